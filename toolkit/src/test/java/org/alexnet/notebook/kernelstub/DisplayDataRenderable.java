package org.alexnet.notebook.kernelstub;

import java.util.Set;

/** Stands in for jupyter-jvm-basekernel's DisplayDataRenderable (IJava's hook): same names and shapes. */
public interface DisplayDataRenderable {
    Set<String> ANY = Set.of("*");

    default Set<String> getSupportedRenderTypes() {
        return ANY;
    }

    default Set<String> getPreferredRenderTypes() {
        return getSupportedRenderTypes();
    }

    void render(RenderContext context);
}
