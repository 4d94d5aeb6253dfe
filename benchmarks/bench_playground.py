"""Updates per second of the playground widget on its opening lesson (four circles).

One update is what a frame of ``play`` does: the training steps of one frame (one epoch by
default: 50 steps of 10 points) and then every picture recomputed, encoded as PNG and handed to
its widget (the output map with its points, one picture per hidden layer, the loss curves, and
the text panels). The playground's goal is at least 10 updates a second.

    python benchmarks/bench_playground.py             # in this process: the widget's own work
    python benchmarks/bench_playground.py --kernel    # inside a Jupyter kernel, so every
                                                      # picture also goes out as a message
"""
import argparse
import json
import statistics
import sys
import time

GOAL = 10.0  # updates per second


def measure(frames, repeats, epochs_per_frame):
    """Median and range of updates per second over ``repeats`` runs of ``frames`` frames."""
    from nnlib.playground import Playground

    pg = Playground(epochs_per_frame=epochs_per_frame)
    pg.frame()  # first frame: grids and buffers made once
    rates = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(frames):
            pg.frame()
        rates.append(frames / (time.perf_counter() - start))
    return {"median": statistics.median(rates), "min": min(rates), "max": max(rates),
            "epochs": pg.engine.epoch}


def measure_in_kernel(frames, repeats, epochs_per_frame):
    """``measure`` run by a fresh ipykernel, whose widgets send their state over ZMQ."""
    from jupyter_client.manager import start_new_kernel

    code = (f"import json, sys; sys.path.insert(0, {str(__file__.rsplit('/', 1)[0])!r}); "
            f"import bench_playground as b; "
            f"print(json.dumps(b.measure({frames}, {repeats}, {epochs_per_frame})))")
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        reply = kc.execute_interactive(code, timeout=600, output_hook=_collect)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"the kernel failed: {reply['content']}")
        return json.loads(_collect.text)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _collect(msg):
    if msg["msg_type"] == "stream":
        _collect.text = getattr(_collect, "text", "") + msg["content"]["text"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=100, help="frames per run (100)")
    parser.add_argument("--repeats", type=int, default=5, help="runs; the median is shown (5)")
    parser.add_argument("--epochs-per-frame", type=int, default=1)
    parser.add_argument("--kernel", action="store_true",
                        help="run inside a Jupyter kernel (widget messages really sent)")
    args = parser.parse_args(argv)
    run = measure_in_kernel if args.kernel else measure
    result = run(args.frames, args.repeats, args.epochs_per_frame)
    where = "in a Jupyter kernel" if args.kernel else "in this process"
    print(f"playground, opening lesson, {args.epochs_per_frame} epoch(s) per update, {where}:")
    print(f"  {result['median']:.1f} updates/s (median of {args.repeats} runs of "
          f"{args.frames}; range {result['min']:.1f}-{result['max']:.1f}); goal >= {GOAL:g}")
    return result


if __name__ == "__main__":
    sys.exit(0 if main()["median"] >= GOAL else 1)
