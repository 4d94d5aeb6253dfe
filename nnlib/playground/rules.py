"""The maths beside the picture: the loss being minimised and the update rule, as text."""

_LOSS = {
    "binary_cross_entropy": "L = −mean[y log ŷ + (1 − y) log(1 − ŷ)],  ŷ = σ(z)",
    "cross_entropy": "L = −mean Σₖ yₖ log ŷₖ,  ŷ = softmax(z)",
    "mse": "L = mean (ŷ − y)²",
}
_MSE_OUTPUT = {0: "ŷ = z (identity output)", 2: "ŷ = σ(z)", 3: "ŷ = softmax(z), y one-hot"}


def update_rule(settings, loss_name, n_classes):
    """Lines of text: the loss (with its penalty), the gradient g, the step, and the numbers."""
    s = settings
    loss = _LOSS[loss_name]
    if loss_name == "mse":
        loss += ",  " + _MSE_OUTPUT[min(n_classes, 3)]
    lines = [loss]
    g = "g = ∂L/∂W"
    if s.regularization == "l2" and s.reg_rate:
        lines[0] += "   + (λ/2) Σ W²"
        g = "g = ∂L/∂W + λ W"
    elif s.regularization == "l1" and s.reg_rate:
        lines[0] += "   + λ Σ |W|"
        g = "g = ∂L/∂W + λ sign(W)"
    lines.append(f"{g}   (for b: g = ∂L/∂b; L averaged over the batch of {s.batch_size})")
    if s.optimizer == "sgd":
        lines.append("W ← W − η g")
        numbers = f"η = {s.lr:g}"
    elif s.optimizer == "momentum":
        lines.append("v ← μ v + g;   W ← W − η v")
        numbers = f"η = {s.lr:g}, μ = 0.9"
    else:
        lines.append("m ← β₁ m + (1 − β₁) g;   v ← β₂ v + (1 − β₂) g²")
        lines.append("W ← W − η m̂ / (√v̂ + ε),   m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ)")
        numbers = f"η = {s.lr:g}, β₁ = 0.9, β₂ = 0.999, ε = 1e-8"
    if s.regularization == "l1" and s.reg_rate:
        lines.append("L1: a weight that this step would carry across 0 stops at 0")
    if s.regularization != "none" and s.reg_rate:
        numbers += f", λ = {s.reg_rate:g}"
    lines.append(numbers)
    return "\n".join(lines)
