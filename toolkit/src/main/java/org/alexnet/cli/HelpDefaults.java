package org.alexnet.cli;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.function.Function;
import org.alexnet.data.FashionMnist;
import org.alexnet.model.AlexNet;
import org.alexnet.model.LeNet;
import org.alexnet.model.ModelSpec;
import org.alexnet.train.ImageNetData;
import org.alexnet.train.Recipe;

/**
 * The defaults help shows, read from the presets and the model builders when help is printed, so
 * no number is copied into a description. Options refer to them as {@code ${bundle:KEY}}.
 */
final class HelpDefaults extends ResourceBundle {

    /** Recipe flag → the recipe value it sets; also the flags whose default is the preset's. */
    static final Map<String, Function<Recipe, Object>> RECIPE_FLAGS = new LinkedHashMap<>();

    static {
        RECIPE_FLAGS.put("epochs", Recipe::getEpochs);
        RECIPE_FLAGS.put("batch", Recipe::getBatchSize);
        RECIPE_FLAGS.put("lr", Recipe::getLearningRate);
        RECIPE_FLAGS.put("momentum", Recipe::getMomentum);
        RECIPE_FLAGS.put("weight-decay", Recipe::getWeightDecay);
        RECIPE_FLAGS.put("schedule", Recipe::getSchedule);
        RECIPE_FLAGS.put("patience", Recipe::getPatience);
        RECIPE_FLAGS.put("resolution", Recipe::getResolution);
        RECIPE_FLAGS.put("subset", Recipe::getTrainSubset);
        RECIPE_FLAGS.put("test-subset", Recipe::getTestSubset);
        RECIPE_FLAGS.put("seed", Recipe::getSeed);
    }

    private final Map<String, String> values = new LinkedHashMap<>();

    HelpDefaults() {
        Map<String, Recipe> presets = Runs.presets();
        RECIPE_FLAGS.forEach((flag, value) -> values.put("recipe." + flag, joined(presets, value)));
        values.put("recipe.cpu", Runs.defaultPreset(false));
        values.put("recipe.gpu", Runs.defaultPreset(true));
        values.put("recipe.imagenet", Runs.IMAGENET_PRESET);

        Map<String, AlexNet.Builder> models = new LinkedHashMap<>();
        for (ModelSpec.Variant v :
                new ModelSpec.Variant[] {ModelSpec.Variant.ALEXNET, ModelSpec.Variant.ALEXNET_FASHION}) {
            models.put(v.id(), ModelSpec.of(v, 10, 1).getOptions());
        }
        values.put("model.towers", joined(models, AlexNet.Builder::getTowers));
        values.put("model.lrn", joined(models, b -> b.isLrn() ? "on" : "off"));
        values.put("model.pooling", joined(models, b -> b.isOverlappingPooling() ? "overlapping" : "non-overlapping"));
        values.put("model.activation", joined(models, AlexNet.Builder::getActivation));
        values.put("model.dropout", joined(models, AlexNet.Builder::getDropout));
        values.put("model.init", joined(models, b -> b.isPaperInit() ? "paper" : "DJL's"));
        values.put("summary.resolution", Recipe.paper().getResolution() + "; lenet " + FashionMnist.IMAGE_SIZE);
        values.put("imagenet.statistics-images", Integer.toString(Runs.DEFAULT_STATISTICS_IMAGES));
        values.put("recipe.lr-divisor", joined(presets, Recipe::getLrDivisor));
        values.put("model.alexnet-min-size", Integer.toString(AlexNet.MIN_INPUT_SIZE));
        values.put("model.lenet-size", Integer.toString(LeNet.INPUT_SIZE));
        values.put("model.default", ModelSpec.Variant.ALEXNET.id());
        values.put("model.default-fashion", ModelSpec.Variant.ALEXNET_FASHION.id());
        values.put("imagenet.pixel-scale", format(ImageNetData.DEFAULT_PIXEL_SCALE));
        values.put(
                "imagenet.small-set-scale",
                String.format(
                        Locale.ROOT,
                        "%.4f = 1/%d",
                        ImageNetData.SMALL_SET_PIXEL_SCALE,
                        Math.round(1 / ImageNetData.SMALL_SET_PIXEL_SCALE)));
        values.put("imagenet.small-set", String.format(Locale.ROOT, "%,d", ImageNetData.SMALL_TRAINING_SET));
    }

    /** "3" when every preset (or model) has 3, else "workshop 3, d2l 10, paper 90, smoke 1". */
    private static <T> String joined(Map<String, T> named, Function<T, Object> value) {
        Map<String, String> shown = new LinkedHashMap<>();
        named.forEach((name, t) -> shown.put(name, format(value.apply(t))));
        if (shown.values().stream().distinct().count() == 1) {
            return shown.values().iterator().next();
        }
        StringBuilder s = new StringBuilder();
        shown.forEach((name, v) ->
                s.append(s.length() == 0 ? "" : ", ").append(name).append(' ').append(v));
        return s.toString();
    }

    /** 0.0005 rather than 5.0E-4; enum names as typed on the command line. */
    static String format(Object v) {
        if (v instanceof Float || v instanceof Double) {
            return new BigDecimal(v.toString()).stripTrailingZeros().toPlainString();
        }
        if (v instanceof Enum<?> e) {
            return e.name().toLowerCase(Locale.ROOT);
        }
        return v.toString();
    }

    @Override
    protected Object handleGetObject(String key) {
        return values.get(key);
    }

    @Override
    public Enumeration<String> getKeys() {
        return Collections.enumeration(values.keySet());
    }
}
