"""Speed benchmarks: minikeras side by side with TensorFlow Keras, PyTorch, scikit-learn and bare NumPy.

Run `python -m benchmarks.run` (add `--quick` for tiny sizes, `--only NAME` for one workload).
The workloads are in `benchmarks.workloads`, the competitors in `benchmarks.competitors`.
"""
