package org.ghm4j.api.tensor;

/**
 * The shape part of the tensors in this package: the shape, checked and copied once, and its element
 * count; {@link #rank()} and {@link #dim(int)} answer without copying it.
 */
abstract class ShapedTensor implements Tensor {
    private final int[] shape;
    private final int length;

    ShapedTensor(int[] shape) {
        this.shape = Shapes.checked(shape);
        this.length = Shapes.length(this.shape);
    }

    @Override
    public final int[] shape() {
        return shape.clone();
    }

    @Override
    public final int rank() {
        return shape.length;
    }

    @Override
    public final int dim(int d) {
        return shape[d];
    }

    @Override
    public final int length() {
        return length;
    }
}
