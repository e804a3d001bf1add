package org.et4j.kernels.portable.pointwise;

import org.et4j.runtime.kernel.KernelCall;
import org.et4j.runtime.kernel.KernelContext;
import org.et4j.runtime.kernel.OpKernel;
import org.et4j.runtime.kernel.Value;

/**
 * Binds a kernel again when an argument slot changed since the last bind: a Scalar computed at
 * run time (a SymInt from {@code aten::sym_size.int}, say) or a slot that a MoveCall pointed at
 * another tensor. The pointwise kernels read their Scalars and tensors when bound; this keeps
 * them right at the cost of comparing a few slots per execution, without allocating in steady
 * state.
 *
 * <p>Not a {@link org.et4j.kernels.util.PlannedCall}, though both redo preparation when arguments
 * change: this one binds eagerly (argument errors surface when the program is loaded), watches
 * every slot, outputs included, by identity and Scalar value only (the bound call resizes its
 * output on each execution, so a shape change alone needs no rebind), and wraps any {@link
 * OpKernel}; a PlannedCall plans lazily on the first execution, watches chosen inputs including
 * their shape versions and int lists, and is the base class of its kernel.
 */
final class RebindingCall implements KernelCall {
  private final OpKernel kernel;
  private final Value[] args;
  private final Value.Tag[] tags;
  private final long[] bits;
  private final Object[] refs;
  private KernelCall delegate;

  private RebindingCall(OpKernel kernel, Value[] args) {
    this.kernel = kernel;
    this.args = args;
    this.tags = new Value.Tag[args.length];
    this.bits = new long[args.length];
    this.refs = new Object[args.length];
    this.delegate = kernel.bind(args);
    snapshot();
  }

  /** {@code kernel}, rebinding whenever one of its argument slots changes. */
  static OpKernel wrap(OpKernel kernel) {
    return args -> new RebindingCall(kernel, args);
  }

  private void snapshot() {
    for (int i = 0; i < args.length; i++) {
      Value v = args[i];
      tags[i] = v.tag();
      bits[i] = bitsOf(v);
      refs[i] = refOf(v);
    }
  }

  private static long bitsOf(Value v) {
    return switch (v.tag()) {
      case INT -> v.toInt();
      case DOUBLE -> Double.doubleToRawLongBits(v.toDouble());
      case BOOL -> v.toBool() ? 1 : 0;
      default -> 0;
    };
  }

  private static Object refOf(Value v) {
    return switch (v.tag()) {
      case TENSOR -> v.toTensor();
      case STRING -> v.toStringValue();
      default -> null;
    };
  }

  private boolean changed() {
    for (int i = 0; i < args.length; i++) {
      Value v = args[i];
      if (v.tag() != tags[i] || bitsOf(v) != bits[i] || refOf(v) != refs[i]) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void execute(KernelContext context) {
    if (changed()) {
      delegate = kernel.bind(args);
      snapshot();
    }
    delegate.execute(context);
  }
}
