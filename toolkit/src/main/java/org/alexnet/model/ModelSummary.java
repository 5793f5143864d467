package org.alexnet.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Per-layer output shapes and parameter counts of a sequential network, as text or HTML. */
public final class ModelSummary {

    /** One layer: its name, kind, output shape (without the batch axis) and parameter count. */
    public static final class Row {
        private final String name;
        private final String kind;
        private final Shape output;
        private final long parameters;

        Row(String name, String kind, Shape output, long parameters) {
            this.name = name;
            this.kind = kind;
            this.output = output;
            this.parameters = parameters;
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
                    "initialise the block before summarising it: block.initialize(manager, DataType.FLOAT32, "
                            + input + ")");
        }
        List<Row> rows = new ArrayList<>();
        Shape[] shapes = {input};
        for (var child : block.getChildren()) {
            Block layer = child.getValue();
            shapes = layer.getOutputShapes(shapes);
            rows.add(
                    new Row(
                            LayerStack.layerName(child.getKey()),
                            kindOf(layer),
                            shapes[0].slice(1),
                            countParameters(layer)));
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

    /** A fixed-width table, one line per layer, with the total at the bottom. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        String format = "%-8s %-18s %-16s %,14d%n";
        sb.append(String.format(Locale.ROOT, "%-8s %-18s %-16s %14s%n", "layer", "kind", "output", "parameters"));
        sb.append(String.format(Locale.ROOT, "%-8s %-18s %-16s %14s%n", "input", "", shapeText(input.slice(1)), ""));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, format, r.name, r.kind, shapeText(r.output), r.parameters));
        }
        sb.append(String.format(Locale.ROOT, "%-8s %-18s %-16s %,14d%n", "total", "", "", getTotalParameters()));
        return sb.toString();
    }

    /** The same table as HTML, for notebooks. */
    public String toHtml() {
        StringBuilder sb = new StringBuilder();
        sb.append("<table class=\"alexnet-summary\" style=\"border-collapse:collapse;font-family:monospace\">");
        sb.append("<thead><tr><th style=\"text-align:left\">layer</th><th style=\"text-align:left\">kind</th>")
                .append("<th style=\"text-align:left\">output</th><th style=\"text-align:right\">parameters</th>")
                .append("</tr></thead><tbody>");
        sb.append("<tr><td>input</td><td></td><td>").append(shapeText(input.slice(1))).append("</td><td></td></tr>");
        for (Row r : rows) {
            sb.append("<tr><td>").append(r.name).append("</td><td>").append(r.kind).append("</td><td>")
                    .append(shapeText(r.output)).append("</td><td style=\"text-align:right\">")
                    .append(String.format(Locale.ROOT, "%,d", r.parameters)).append("</td></tr>");
        }
        sb.append("</tbody><tfoot><tr><th style=\"text-align:left\">total</th><td></td><td></td>")
                .append("<th style=\"text-align:right\">")
                .append(String.format(Locale.ROOT, "%,d", getTotalParameters()))
                .append("</th></tr></tfoot></table>");
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
