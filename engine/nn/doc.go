// Package nn holds the inference kernels of the engine: convolution, group
// and layer normalisation, activations, linear layers, softmax and resizing,
// all on float32 data. Image activations are gorgonia.org/tensor Dense values
// in NCHW order, like the checkpoints; sequence activations are row-major
// [rows, width] slices. Heavy work goes through the blas subpackage.
package nn
