package org.et4j.cli;

import java.io.PrintStream;
import org.et4j.runtime.EValue;
import org.et4j.runtime.Tensor;

/** Reads a [N, classes] output as class scores and reports predictions and accuracy against labels. */
final class Classification {
  private Classification() {}

  static void report(EValue output, Tensor labels, PrintStream out) {
    Tensor scores = output.toTensor();
    long[] shape = scores.shape();
    if (shape.length != 2) {
      throw new IllegalArgumentException("--labels needs an output of shape [N, classes], got " + scores.describe());
    }
    int n = (int) shape[0];
    int classes = (int) shape[1];
    if (labels.numel() != n) {
      throw new IllegalArgumentException("--labels has " + labels.numel() + " labels for " + n + " predictions");
    }
    int correct = 0;
    StringBuilder preds = new StringBuilder();
    StringBuilder truth = new StringBuilder();
    for (int r = 0; r < n; r++) {
      int best = 0;
      for (int c = 1; c < classes; c++) {
        if (scores.elementAsDouble((long) r * classes + c) > scores.elementAsDouble((long) r * classes + best)) {
          best = c;
        }
      }
      long label = (long) labels.elementAsDouble(r);
      if (best == label) {
        correct++;
      }
      if (r < 20) {
        preds.append(best).append(' ');
        truth.append(label).append(' ');
      }
    }
    out.println("  predictions: " + preds + (n > 20 ? "..." : ""));
    out.println("  labels:      " + truth + (n > 20 ? "..." : ""));
    out.printf("  accuracy: %d/%d = %.2f%%%n", correct, n, 100.0 * correct / n);
  }
}
