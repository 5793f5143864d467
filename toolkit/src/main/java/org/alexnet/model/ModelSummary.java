package org.alexnet.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Per-layer output shapes, parameter counts and multiply-adds of a sequential network, as text or HTML.
 *
 * <p>Multiply-adds (MACs) are those of one forward pass of one example, counted for the layers whose
 * work is matrix products: a convolution does {@code out_elements * in_channels / groups * kh * kw}
 * (every output element is a dot product over its receptive field in its group's channels; stride and
 * padding enter through the output size), a dense layer {@code out_elements * in_features} (= in x out
 * for one example). Everything else counts zero: pooling, activations (ReLU), local response
 * normalisation, dropout, flatten, the bias additions, and any layer that is neither a
 * {@link Convolution} nor a {@link Linear}. For AlexNet those are about 1% of the arithmetic
 * or less (not of the time). One FLOP-counting convention is 2 FLOPs per MAC; a training step (forward, the
 * gradient with respect to the data, the gradient with respect to the weights) costs about 3x the
 * forward MACs.
 */
public final class ModelSummary {

    /** One layer: its name, kind, output shape (without the batch axis), parameter count and MACs. */
    public static final class Row {
        private final String name;
        private final String kind;
        private final Shape output;
        private final long parameters;
        private final long macs;

        Row(String name, String kind, Shape output, long parameters, long macs) {
            this.name = name;
            this.kind = kind;
            this.output = output;
            this.parameters = parameters;
            this.macs = macs;
        }

        public String getName() {
            return name;
        }

        public String getKind() {
            return kind;
        }

        /** Output shape of one example, e.g. (96, 55, 55). */
        public Shape getOutput() {
            return output;
        }

        public long getParameters() {
            return parameters;
        }

        /** Multiply-adds of this layer's forward pass for one example (0 for layers that are not counted). */
        public long getMacs() {
            return macs;
        }
    }

    private final Shape input;
    private final List<Row> rows;

    private ModelSummary(Shape input, List<Row> rows) {
        this.input = input;
        this.rows = Collections.unmodifiableList(rows);
    }

    /**
     * Summarises an initialised sequential block for inputs of {@code input} (with batch axis, e.g.
     * (1, 3, 224, 224)).
     */
    public static ModelSummary of(Block block, Shape input) {
        if (!block.isInitialized()) {
            throw new IllegalStateException(
                    "initialise the block before summarising it: block.initialize(manager, DataType.FLOAT32, " + input
                            + ")");
        }
        List<Row> rows = new ArrayList<>();
        Shape[] shapes = {input};
        for (var child : block.getChildren()) {
            Block layer = child.getValue();
            Shape in = shapes[0];
            shapes = layer.getOutputShapes(shapes);
            rows.add(new Row(
                    LayerStack.layerName(child.getKey()),
                    kindOf(layer),
                    shapes[0].slice(1),
                    countParameters(layer),
                    multiplyAdds(layer, in, shapes[0])));
        }
        return new ModelSummary(input, rows);
    }

    /** Number of scalar parameters of an initialised block (weights and biases of all its layers). */
    public static long countParameters(Block block) {
        long total = 0;
        for (var p : block.getParameters()) {
            Parameter parameter = p.getValue();
            total += parameter.getArray().getShape().size();
        }
        return total;
    }

    /**
     * Forward multiply-adds of one example through {@code layer}, from its input and output shapes
     * (both with the batch axis first; channels second for a convolution): see the class comment for
     * what is counted.
     */
    public static long multiplyAdds(Block layer, Shape input, Shape output) {
        long outElements = output.slice(1).size();
        if (layer instanceof Convolution conv) {
            long inChannels = input.get(1);
            return outElements
                    * (inChannels / conv.getGroups())
                    * conv.getKernelShape().size();
        }
        if (layer instanceof Linear) {
            return outElements * input.get(input.dimension() - 1);
        }
        return 0;
    }

    private static String kindOf(Block layer) {
        if (layer instanceof LambdaBlock) {
            String name = ((LambdaBlock) layer).getName();
            return LambdaBlock.DEFAULT_NAME.equals(name) ? "Lambda" : name;
        }
        return layer.getClass().getSimpleName();
    }

    public List<Row> getRows() {
        return rows;
    }

    public Shape getInput() {
        return input;
    }

    public long getTotalParameters() {
        return rows.stream().mapToLong(Row::getParameters).sum();
    }

    /** Forward multiply-adds of one example over all layers (see the class comment for what is counted). */
    public long getTotalMacs() {
        return rows.stream().mapToLong(Row::getMacs).sum();
    }

    /** The output shape of the last layer (without batch axis). */
    public Shape getOutput() {
        return rows.get(rows.size() - 1).getOutput();
    }

    /** The row of the layer called {@code name}. */
    public Row row(String name) {
        return rows.stream()
                .filter(r -> r.name.equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no layer named " + name));
    }

    /** A fixed-width table, one line per layer, with the total at the bottom (no MACs column). */
    public String toText() {
        return toText(false);
    }

    /**
     * A fixed-width table, one line per layer, with the total at the bottom; with {@code macs} a column
     * of forward multiply-adds per example and a note of what they leave out.
     */
    public String toText(boolean macs) {
        StringBuilder sb = new StringBuilder();
        sb.append(line(macs, "layer", "kind", "output", "parameters", "MACs"));
        sb.append(line(macs, "input", "", shapeText(input.slice(1)), "", ""));
        for (Row r : rows) {
            sb.append(line(macs, r.name, r.kind, shapeText(r.output), grouped(r.parameters), grouped(r.macs)));
        }
        sb.append(line(macs, "total", "", "", grouped(getTotalParameters()), grouped(getTotalMacs())));
        if (macs) {
            sb.append(MACS_NOTE).append(System.lineSeparator());
        }
        return sb.toString();
    }

    /** What the MACs column counts, printed under the tables that have it. */
    public static final String MACS_NOTE = "MACs: forward multiply-adds per example of the convolutions and dense"
            + " layers; pooling, ReLU, LRN, dropout and biases are not counted. A training step is about 3x"
            + " (forward, backward-data, backward-weights); 1 MAC = 2 FLOPs.";

    private static String line(
            boolean macs, String name, String kind, String output, String parameters, String macsCell) {
        String base = String.format(Locale.ROOT, "%-8s %-18s %-16s %14s", name, kind, output, parameters);
        return (macs ? base + String.format(Locale.ROOT, " %15s", macsCell) : base) + System.lineSeparator();
    }

    private static String grouped(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** The same table as HTML, for notebooks (no MACs column). */
    public String toHtml() {
        return toHtml(false);
    }

    /** The same table as HTML; with {@code macs} a column of forward multiply-adds per example. */
    public String toHtml(boolean macs) {
        StringBuilder sb = new StringBuilder();
        sb.append("<table class=\"alexnet-summary\" style=\"border-collapse:collapse;font-family:monospace\">");
        sb.append("<thead><tr><th style=\"text-align:left\">layer</th><th style=\"text-align:left\">kind</th>")
                .append("<th style=\"text-align:left\">output</th><th style=\"text-align:right\">parameters</th>");
        if (macs) {
            sb.append("<th style=\"text-align:right\">MACs</th>");
        }
        sb.append("</tr></thead><tbody>");
        sb.append("<tr><td>input</td><td></td><td>")
                .append(shapeText(input.slice(1)))
                .append("</td><td></td>");
        sb.append(macs ? "<td></td></tr>" : "</tr>");
        for (Row r : rows) {
            sb.append("<tr><td>")
                    .append(r.name)
                    .append("</td><td>")
                    .append(r.kind)
                    .append("</td><td>")
                    .append(shapeText(r.output))
                    .append("</td><td style=\"text-align:right\">")
                    .append(String.format(Locale.ROOT, "%,d", r.parameters))
                    .append("</td>");
            if (macs) {
                sb.append("<td style=\"text-align:right\">")
                        .append(grouped(r.macs))
                        .append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</tbody><tfoot><tr><th style=\"text-align:left\">total</th><td></td><td></td>")
                .append("<th style=\"text-align:right\">")
                .append(String.format(Locale.ROOT, "%,d", getTotalParameters()))
                .append("</th>");
        if (macs) {
            sb.append("<th style=\"text-align:right\">")
                    .append(grouped(getTotalMacs()))
                    .append("</th>");
        }
        sb.append("</tr></tfoot></table>");
        if (macs) {
            sb.append("<p style=\"font-size:smaller\">").append(MACS_NOTE).append("</p>");
        }
        return sb.toString();
    }

    private static String shapeText(Shape s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.dimension(); i++) {
            sb.append(i == 0 ? "" : "x").append(s.get(i));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return toText();
    }
}
