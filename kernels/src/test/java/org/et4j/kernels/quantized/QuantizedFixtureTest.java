package org.et4j.kernels.quantized;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import org.et4j.kernels.util.Elements;
import org.et4j.runtime.BundledProgram;
import org.et4j.runtime.Method;
import org.et4j.runtime.ScalarType;
import org.et4j.runtime.delegate.BackendRegistry;
import org.et4j.runtime.kernel.KernelLibrary;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.TensorImpl;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The quantized kernels inside a real program: the conformance fixture {@code mlp.pt2e-int8}
 * (an MLP quantized with PT2E, whose expected outputs come from ExecuTorch's own runtime) runs
 * through et4j. Should the float {@code aten::addmm.out} kernel not be registered yet, a plain
 * reference version (ExecuTorch's loop order) stands in for it, so that the test isolates the
 * quantize/dequantize ops.
 */
class QuantizedFixtureTest {
  private static final Path FIXTURE =
      Path.of(System.getProperty("et4j.repo.dir", ".."), "conformance", "fixtures", "mlp", "mlp.pt2e-int8.bpte");

  @Test
  void mlpInt8MatchesExecuTorch() {
    Assumptions.assumeTrue(Files.exists(FIXTURE), "fixture not present: " + FIXTURE);
    KernelRegistry.Builder b = KernelRegistry.builder();
    for (KernelLibrary lib : ServiceLoader.load(KernelLibrary.class, KernelRegistry.class.getClassLoader())) {
      b.registerLibrary(lib);
    }
    if (!KernelRegistry.discover().contains("aten::addmm.out")) {
      b.register("aten::addmm.out", QuantizedFixtureTest::referenceAddmm);
    }
    KernelRegistry registry = b.build();
    try (BundledProgram bp = BundledProgram.load(FIXTURE)) {
      for (String name : bp.testedMethods()) {
        Method m = bp.program().loadMethod(name, registry, BackendRegistry.defaultRegistry());
        List<BundledProgram.CaseResult> results = bp.verify(m, 1e-5, 1e-5);
        assertThat(results).isNotEmpty();
        for (BundledProgram.CaseResult r : results) {
          assertThat(r.passed()).as("%s case %d: %s %s", name, r.index(), r.error(), r.outputs()).isTrue();
        }
      }
    }
  }

  /** {@code addmm.out(self, mat1, mat2, *, beta, alpha, out)} for float32, as ExecuTorch loops. */
  private static org.et4j.runtime.kernel.KernelCall referenceAddmm(org.et4j.runtime.kernel.Value[] args) {
    TensorImpl self = args[0].toTensor();
    TensorImpl a = args[1].toTensor();
    TensorImpl w = args[2].toTensor();
    float beta = (float) args[3].scalarToDouble();
    float alpha = (float) args[4].scalarToDouble();
    TensorImpl out = args[5].toTensor();
    assertThat(a.dtype()).isEqualTo(ScalarType.FLOAT);
    return ctx -> {
      int m = a.size(0);
      int n = a.size(1);
      int p = w.size(1);
      out.resize(m, p);
      MemorySegment x = a.data();
      MemorySegment y = w.data();
      MemorySegment s = self.data();
      MemorySegment o = out.data();
      boolean full = self.numel() == (long) m * p;
      for (int i = 0; i < m; i++) {
        for (int j = 0; j < p; j++) {
          float sum = 0;
          for (int k = 0; k < n; k++) {
            sum += x.getAtIndex(Elements.F32, (long) i * n + k) * y.getAtIndex(Elements.F32, (long) k * p + j);
          }
          float bias = s.getAtIndex(Elements.F32, full ? (long) i * p + j : self.numel() == 1 ? 0 : j);
          o.setAtIndex(Elements.F32, (long) i * p + j, sum * alpha + bias * beta);
        }
      }
    };
  }
}
