package org.et4j.conformance;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One conformance case from the manifest: a model in one export variant, as a BundledProgram
 * whose expected outputs came from the ExecuTorch Python runtime.
 *
 * @param model e.g. {@code mlp}
 * @param variant e.g. {@code portable}, {@code xnnpack}, {@code pt2e-int8}, {@code ptd}
 * @param bpte the bundled program
 * @param ptd the external data file, or null
 * @param stateful true when cases must run in order on one method (state carried in buffers)
 * @param skipped why the exporter could not produce this case, or null
 * @param operators every operator the case's methods call
 * @param delegates backend ids used
 * @param eagerVsExecuTorchAbs per method, the largest |eager PyTorch - ExecuTorch| over outputs
 * @param referenceMaxAbs per method, the largest |ExecuTorch output| (the scale of the values)
 * @param eagerErrorPerScale per method and output index, the largest |eager PyTorch - ExecuTorch|
 *     divided by max(1, largest |output|): for a quantized output, what a rounding flip costs
 */
public record FixtureCase(
    String model,
    String variant,
    Path bpte,
    Path ptd,
    boolean stateful,
    String skipped,
    List<String> operators,
    List<String> delegates,
    Map<String, Double> eagerVsExecuTorchAbs,
    Map<String, Double> referenceMaxAbs,
    Map<String, double[]> eagerErrorPerScale) {

  /** {@code model.variant}, the name used in the known-gaps list and the report. */
  public String id() {
    return model + "." + variant;
  }
}
