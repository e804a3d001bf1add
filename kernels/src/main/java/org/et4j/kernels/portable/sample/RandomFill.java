package org.et4j.kernels.portable.sample;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;
import org.et4j.kernels.util.Elements;
import org.et4j.kernels.util.KernelChecks;
import org.et4j.kernels.util.Shapes;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.TensorImpl;

/**
 * The random creation kernels ({@code rand.out}, {@code randn.out}): resize out to {@code size},
 * then fill it with draws from the call site's generator, for float dtypes only (FLOATHBF16, as
 * ExecuTorch).
 *
 * <p>ExecuTorch seeds a {@code std::mt19937} from {@code std::random_device} on every call, so its
 * values are neither reproducible nor matchable. et4j gives every call site its own {@link
 * SplittableRandom}, split at method load from one root generator; the root is seeded from the
 * system property {@code et4j.random.seed} when set (so runs repeat exactly when methods load in
 * the same order) and from the JDK's default seed source otherwise. Each execution continues the
 * call site's stream.
 */
final class RandomFill {
  private static final SplittableRandom ROOT = root();

  private RandomFill() {}

  private static SplittableRandom root() {
    String seed = System.getProperty("et4j.random.seed");
    if (seed == null) {
      return new SplittableRandom();
    }
    try {
      return new SplittableRandom(Long.parseLong(seed.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("et4j.random.seed must be a long, got '" + seed + "'", e);
    }
  }

  /** A generator for one call site. */
  static SplittableRandom forCallSite() {
    synchronized (ROOT) {
      return ROOT.split();
    }
  }

  /**
   * The kernel of {@code op(SymInt[] size, *, Tensor(a!) out)} whose elements are {@code
   * draw.applyAsDouble(generator)} written with {@code static_cast} to out's dtype.
   */
  static OpKernel kernel(String op, DrawFactory draws) {
    return args -> {
      KernelChecks.argCount(op, args, 2);
      TensorImpl out = KernelChecks.tensor(op, args, 1);
      KernelChecks.dtype(op, "out", out, out.dtype().isFloatingPoint());
      SplittableRandom random = forCallSite();
      ToDoubleFunction<SplittableRandom> draw = draws.forDtype(out.dtype());
      return context -> {
        Shapes.resize(op, out, args[0].toIntArray());
        MemorySegment y = out.data();
        long n = out.numel();
        for (long i = 0; i < n; i++) {
          Elements.writeDouble(out.dtype(), y, i, draw.applyAsDouble(random));
        }
      };
    };
  }

  /** Chooses the draw for out's dtype. */
  @FunctionalInterface
  interface DrawFactory {
    ToDoubleFunction<SplittableRandom> forDtype(org.et4j.runtime.ScalarType dtype);
  }
}
