"""Tolerances for comparing minikeras with TensorFlow Keras, named once.

float32 single ops, layers and gradients: rtol 1e-5 / atol 1e-6.
float64 ops and gradients: rtol 1e-10.
Whole training curves (per epoch, float32): 1e-4 relative.
"""

F32 = dict(rtol=1e-5, atol=1e-6)
F64 = dict(rtol=1e-10, atol=1e-12)
CURVE = dict(rtol=1e-4, atol=1e-6)

# TensorFlow's float64 erf/tanh kernels are accurate to about 1e-8 relative (not
# correctly rounded); minikeras uses exactly rounded erf, so float64 GELU agrees
# with TensorFlow to this tolerance only. Measured: 7.4e-8 relative at worst.
F64_TF_TRANSCENDENTAL = dict(rtol=2e-7, atol=1e-12)
