package org.alexnet.notebook.kernelstub;

/** Stands in for jupyter-jvm-basekernel's RenderContext: the bundle being filled. */
public final class RenderContext {
    private final DisplayData out;

    public RenderContext(DisplayData out) {
        this.out = out;
    }

    public DisplayData getOutputContainer() {
        return out;
    }
}
