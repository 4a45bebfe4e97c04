"""VLA Playground training package: dataset reader, tokenizer, model, training loop and ONNX export.

Run modules with `PYTHONPATH=training /usr/bin/python3 -m vla.train ...` (see scripts/train.sh).
"""

import os

# Must happen before numpy/torch load OpenBLAS. Torch already parallelises over its own OpenMP threads;
# letting OpenBLAS start its own pthreads on top oversubscribes the 2 cores and its spinning threads made
# small matmuls (the attention projections) 10-100x slower. Measured: ~2.3x faster training steps with 1.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# The cores are shared with datagen/eval/Chromium. libgomp's default spin-wait makes each of torch's many
# small parallel regions burn its time slice waiting for a descheduled sibling: measured 12 samples/s with
# spinning vs ~120 with PASSIVE on a loaded machine (load average ~10).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
