"""Tolerances for comparing minikeras with TensorFlow Keras, named once.

float32 single ops, layers and gradients: rtol 1e-5 / atol 1e-6.
float64 ops and gradients: rtol 1e-10.
Whole training curves (per epoch, float32): 1e-4 relative.
"""

F32 = dict(rtol=1e-5, atol=1e-6)
F64 = dict(rtol=1e-10, atol=1e-12)
CURVE = dict(rtol=1e-4, atol=1e-6)
