package org.et4j.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.et4j.kernels.gemm.GemmShape;
import org.et4j.kernels.gemm.Sgemm;
import org.et4j.kernels.nhwc.Conv2dNhwc;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One NHWC float32 convolution, batch 1: {@link Conv2dNhwc} (packed weights, indirection table)
 * against the portable path's algorithm, {@code ConvolutionOp.convolveGemmNhwc}: an im2col copy of
 * the whole image, then {@link Sgemm#multiply} against the OHWI filter as a transposed B with the
 * bias as an addend row (reproduced here because that op is reached only through a kernel call).
 * Shapes ({@code name:IH:IW:C:OC:K:stride:pad}): MobileNet/ResNet-like 3x3 at 56x56x64 with stride
 * 1 and 2, and a MobileNetV2 1x1 projection 96 to 24. Reports {@code gflops} ({@code 2 OH OW OC K^2
 * C / 1e9} per call).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 2, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@State(Scope.Thread)
public class Conv2dNhwcBenchmark {

  @Param({"3x3s1:56:56:64:64:3:1:1", "3x3s2:56:56:64:64:3:2:1", "1x1:56:56:96:24:1:1:0"})
  public String shape;

  private int ih;
  private int iw;
  private int c;
  private int oc;
  private int kernel;
  private int stride;
  private int pad;
  private int oh;
  private int ow;
  private double gflop;
  private Arena arena;
  private MemorySegment in;
  private MemorySegment filter;
  private MemorySegment bias;
  private MemorySegment out;
  private MemorySegment col;
  private Conv2dNhwc conv;

  /** GFLOP done, reported by JMH as a rate. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Flops {
    public double gflops;
  }

  @Setup(Level.Trial)
  public void setUp() {
    String[] f = shape.split(":");
    ih = Integer.parseInt(f[1]);
    iw = Integer.parseInt(f[2]);
    c = Integer.parseInt(f[3]);
    oc = Integer.parseInt(f[4]);
    kernel = Integer.parseInt(f[5]);
    stride = Integer.parseInt(f[6]);
    pad = Integer.parseInt(f[7]);
    arena = Arena.ofShared();
    in = random((long) ih * iw * c);
    filter = random((long) oc * kernel * kernel * c);
    bias = random(oc);
    conv = Conv2dNhwc.prepare(1, c, oc, kernel, kernel, stride, stride, 1, 1, pad, pad, pad, pad,
        filter, 0, bias, 0);
    oh = conv.outputHeight(ih);
    ow = conv.outputWidth(iw);
    out = arena.allocate(4L * oh * ow * oc, 64);
    col = arena.allocate(4L * oh * ow * kernel * kernel * c, 64);
    gflop = 2.0 * oh * ow * oc * kernel * kernel * c / 1e9;
    System.out.println();
    System.out.println("# Sgemm.get() = " + Sgemm.get().name());
  }

  private MemorySegment random(long floats) {
    MemorySegment s = arena.allocate(4 * floats, 64);
    SplittableRandom r = new SplittableRandom(floats);
    for (long i = 0; i < floats; i++) {
      s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextDouble(-1, 1));
    }
    return s;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }

  @Benchmark
  public MemorySegment indirect(Flops flops) {
    conv.run(1, ih, iw, in, 0, out, 0, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
    flops.gflops += gflop;
    return out;
  }

  /** The portable path: im2col (skipped for 1x1 unit stride, as there), then GEMM. */
  @Benchmark
  public MemorySegment im2colGemm(Flops flops) {
    int k = kernel * kernel * c;
    int p = oh * ow;
    MemorySegment src = in;
    long lda = c;
    if (!(kernel == 1 && stride == 1 && pad == 0)) {
      im2col();
      src = col;
      lda = k;
    }
    Sgemm.get().multiply(new GemmShape(p, oc, k, 1f, false, lda, true, k, 1f, 0, 1, oc), src, 0, filter, 0, bias, 0, out, 0);
    flops.gflops += gflop;
    return out;
  }

  /** {@code ConvolutionOp.im2colNhwc} for a channels-last (tap-major) weight. */
  private void im2col() {
    long k = (long) c * kernel * kernel;
    long row = 0;
    for (int oy = 0; oy < oh; oy++) {
      for (int ox = 0; ox < ow; ox++, row++) {
        long dst = row * k;
        for (int ky = 0; ky < kernel; ky++) {
          int iy = oy * stride - pad + ky;
          for (int kx = 0; kx < kernel; kx++) {
            int ix = ox * stride - pad + kx;
            long at = dst + ((long) ky * kernel + kx) * c;
            if (iy >= 0 && iy < ih && ix >= 0 && ix < iw) {
              MemorySegment.copy(in, ((long) iy * iw + ix) * c * Float.BYTES, col,
                  at * Float.BYTES, (long) c * Float.BYTES);
            } else {
              col.asSlice(at * Float.BYTES, (long) c * Float.BYTES).fill((byte) 0);
            }
          }
        }
      }
    }
  }
}
