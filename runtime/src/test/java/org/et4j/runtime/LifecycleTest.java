package org.et4j.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.et4j.runtime.delegate.BackendRegistry;
import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.testing.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * Closing and cancelling: {@code close()} is idempotent on every class and safe from another
 * thread; use after close is an IllegalStateException that et4j wrote (never the memory API's);
 * an execution stops at the next instruction on a thread interrupt (InvalidState) or a passed
 * deadline (OutOfResources), and the method runs again afterwards.
 *
 * <p>ExecuTorch's upstream {@code ModuleLinear} program has two instructions, {@code mul.out}
 * then {@code add.out}; the kernels here count their calls and let the test act between them.
 */
class LifecycleTest {
  private final AtomicInteger adds = new AtomicInteger();
  private volatile Runnable duringMul = () -> {};

  private KernelRegistry kernels() {
    return KernelRegistry.builder()
        .register("aten::mul.out", args -> (KernelCall) ctx -> duringMul.run())
        .register("aten::add.out", args -> (KernelCall) ctx -> adds.incrementAndGet())
        .build();
  }

  private Program program() {
    return Program.load(Fixtures.upstream("module_linear_no_constant_segment.pte"));
  }

  private Method method(Program p) {
    Method m = p.loadMethod("forward", kernels(), BackendRegistry.builder().build());
    for (int i = 0; i < m.inputCount(); i++) {
      TensorInfo t = m.meta().inputs().get(i).tensor();
      m.setInput(i, EValue.from(Tensor.zeros(t.dtype(), t.sizes().stream().mapToLong(Integer::longValue).toArray())));
    }
    return m;
  }

  @Test
  void interruptStopsBeforeTheNextInstructionAndTheMethodRunsAgain() {
    try (Program p = program(); Method m = method(p)) {
      duringMul = () -> Thread.currentThread().interrupt();
      assertThatThrownBy(m::execute)
          .isInstanceOfSatisfying(ExecuTorchException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_STATE))
          .hasMessageContaining("interrupted")
          .hasMessageContaining("instruction 1");
      assertThat(Thread.interrupted()).as("the interrupt status stays set").isTrue();
      assertThat(adds).hasValue(0);
      duringMul = () -> {};
      m.execute();
      assertThat(adds).hasValue(1);
    }
  }

  @Test
  void anInterruptedThreadDoesNotStartAnExecution() {
    try (Program p = program(); Method m = method(p)) {
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(m::execute).isInstanceOf(ExecuTorchException.class).hasMessageContaining("instruction 0");
      } finally {
        Thread.interrupted();
      }
      assertThat(adds).hasValue(0);
    }
  }

  @Test
  void deadlineStopsBeforeTheNextInstruction() {
    try (Program p = program(); Method m = method(p)) {
      duringMul = () -> sleep(30);
      assertThatThrownBy(() -> m.execute(Duration.ofMillis(5)))
          .isInstanceOfSatisfying(ExecuTorchException.class, e -> assertThat(e.errorCode()).isEqualTo(ErrorCode.OUT_OF_RESOURCES))
          .hasMessageContaining("deadline")
          .hasMessageContaining("instruction 1");
      assertThat(adds).hasValue(0);
      m.execute(Duration.ofMinutes(1));
      m.execute(Duration.ofDays(Long.MAX_VALUE / 86_400_000)); // no overflow for huge timeouts
      assertThat(adds).hasValue(2);
      assertThatThrownBy(() -> m.execute(Duration.ZERO)).isInstanceOf(ExecuTorchException.class);
    }
  }

  @Test
  void closeFromAnotherThreadDuringExecuteStopsItCleanlyAndFreesAfterwards() throws Exception {
    Program p = program();
    Method m = method(p);
    CountDownLatch inMul = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    duringMul = () -> {
      inMul.countDown();
      await(closed);
    };
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread runner = Thread.ofPlatform().start(() -> {
      try {
        m.execute();
      } catch (Throwable t) {
        thrown.set(t);
      }
    });
    assertThat(inMul.await(10, TimeUnit.SECONDS)).isTrue();
    // A second thread cannot enter a busy method.
    assertThatThrownBy(() -> m.setInput(0, EValue.from(Tensor.zeros(ScalarType.FLOAT, 2, 2))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("in use by another thread");
    m.close();
    m.close();
    assertThat(m.isClosed()).isTrue();
    closed.countDown();
    runner.join(10_000);
    assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed by another thread");
    assertThat(adds).hasValue(0);
    assertThatThrownBy(m::execute).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    assertThatThrownBy(() -> m.output(0)).isInstanceOf(IllegalStateException.class).hasMessageContaining("is closed");
    p.close();
    p.close();
  }

  @Test
  void closingTheProgramKeepsLoadedMethodsRunningAndRefusesNewOnes() {
    Program p = program();
    Method m = method(p);
    p.close();
    p.close();
    assertThat(p.isClosed()).isTrue();
    assertThatThrownBy(() -> p.loadMethod("forward")).isInstanceOf(IllegalStateException.class).hasMessage("program is closed");
    assertThatThrownBy(p::methodNames).isInstanceOf(IllegalStateException.class);
    m.execute();
    m.outputCopy(0);
    m.close();
    m.close();
    assertThatThrownBy(m::execute).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void methodsClosedInAnyOrderFromOtherThreadsReleaseTheProgram() throws Exception {
    Program p = program();
    Method[] ms = {method(p), method(p), method(p)};
    Thread closer = Thread.ofPlatform().start(() -> {
      p.close();
      ms[1].close();
    });
    closer.join();
    ms[0].execute();
    ms[0].close();
    ms[2].close();
    ms[2].close();
    assertThatThrownBy(ms[0]::execute).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void bundledProgramAndModuleCloseTwice() {
    BundledProgram b = BundledProgram.load(Fixtures.upstream("bundled_program.bpte"));
    Method m = method(b.program());
    b.close();
    b.close();
    // The bundle's mapping outlives its close while a method of its program is open.
    m.execute();
    int afterBundle = adds.get();
    assertThat(afterBundle).isPositive();
    m.close();
    assertThatThrownBy(() -> method(b.program())).isInstanceOf(IllegalStateException.class);

    Module module = Module.of(program(), kernels(), BackendRegistry.builder().build());
    EValue x = EValue.from(Tensor.zeros(ScalarType.FLOAT, 2, 2));
    module.forward(x);
    assertThat(adds.get()).isGreaterThan(afterBundle);
    module.close();
    module.close();
    assertThatThrownBy(() -> module.forward(x)).isInstanceOf(IllegalStateException.class);
    assertThat(module.program().isClosed()).isTrue();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(CountDownLatch l) {
    try {
      l.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
