package org.alexnet.eval;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Several trained networks used as one, as in the paper's 5- and 7-CNN results: the prediction is the
 * average of the members' softmax outputs.
 *
 * <p>The block outputs the logarithm of that average. Its softmax is the average itself, so it
 * composes with everything that takes class scores: {@link Evaluation} (whose ten-patch mode then
 * averages over members and patches alike, as the paper did), {@link Predictions} (the confidence is
 * the ensemble's probability), top-5 ranking.
 *
 * <pre>{@code
 * Ensemble ensemble = Ensemble.of(models);    // trained Models, e.g. loaded checkpoints
 * Evaluation e = Evaluation.run(ensemble::predict, validation, manager, classes);
 * }</pre>
 *
 * <p>The members must be initialised (trained or loaded) already; {@link #initialize} does not touch them.
 */
public final class Ensemble extends AbstractBlock {

    private final List<Block> members;

    private Ensemble(List<Block> members) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one network");
        }
        this.members = List.copyOf(members);
        for (int i = 0; i < members.size(); i++) {
            addChildBlock("member" + (i + 1), members.get(i));
        }
    }

    /** The ensemble of {@code blocks}, each already initialised with its own parameters. */
    public static Ensemble ofBlocks(List<? extends Block> blocks) {
        return new Ensemble(new ArrayList<>(blocks));
    }

    /** The ensemble of {@code models}' blocks. */
    public static Ensemble of(List<? extends Model> models) {
        List<Block> blocks = new ArrayList<>();
        for (Model model : models) {
            blocks.add(model.getBlock());
        }
        return new Ensemble(blocks);
    }

    /** How many networks. */
    public int size() {
        return members.size();
    }

    /** Inference-mode forward pass: log of the mean softmax, one row per input row. */
    public NDList predict(NDList inputs) {
        return forward(new ParameterStore(inputs.head().getManager(), false), inputs, false);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList logProbabilities = new NDList(members.size());
        for (Block member : members) {
            NDArray scores =
                    member.forward(parameterStore, inputs, training, params).head();
            logProbabilities.add(scores.toType(DataType.FLOAT32, false).logSoftmax(-1));
        }
        // log(mean_i p_i) computed as a shifted log-sum-exp, so tiny probabilities do not underflow to log 0.
        NDArray stacked = NDArrays.stack(logProbabilities);
        NDArray max = stacked.max(new int[] {0}, true);
        NDArray mean = stacked.sub(max).exp().mean(new int[] {0});
        return new NDList(mean.log().add(max.squeeze(0)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return members.get(0).getOutputShapes(inputShapes);
    }

    /** Members keep their own (trained) parameters: nothing to initialise here. */
    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {}

    @Override
    public String toString() {
        return "Ensemble(" + members.size() + " networks, softmax averaged)";
    }
}
