package org.et4j.djl;

import ai.djl.modality.Classifications;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A translator as a DJL user writes one: a digit image in, class probabilities out, with DJL's
 * default batchifier (stack on input, split on output), so batchPredict runs whole batches.
 */
final class DigitsTranslator implements Translator<float[], Classifications> {
  static final List<String> CLASSES = IntStream.range(0, 10).mapToObj(Integer::toString).toList();

  @Override
  public NDList processInput(TranslatorContext ctx, float[] image) {
    return new NDList(ctx.getNDManager().create(image, new Shape(1, 8, 8)));
  }

  @Override
  public Classifications processOutput(TranslatorContext ctx, NDList list) {
    NDArray logits = list.singletonOrThrow();
    return new Classifications(CLASSES, logits.softmax(0));
  }
}
