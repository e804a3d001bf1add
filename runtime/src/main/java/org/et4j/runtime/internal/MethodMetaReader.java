package org.et4j.runtime.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.et4j.runtime.DelegateInfo;
import org.et4j.runtime.ExecuTorchException;
import org.et4j.runtime.MethodMeta;
import org.et4j.runtime.OperatorUse;
import org.et4j.runtime.ValueInfo;
import org.et4j.runtime.internal.format.PteFile;
import org.et4j.runtime.kernel.KernelRegistry;
import org.et4j.runtime.kernel.Value;
import org.et4j.schema.program.BackendDelegate;
import org.et4j.schema.program.Chain;
import org.et4j.schema.program.CompileSpec;
import org.et4j.schema.program.EValue;
import org.et4j.schema.program.ExecutionPlan;
import org.et4j.schema.program.Instruction;
import org.et4j.schema.program.InstructionArguments;
import org.et4j.schema.program.KernelCall;
import org.et4j.schema.program.KernelTypes;
import org.et4j.schema.program.Operator;
import org.et4j.schema.program.Tensor;

/** Builds {@link MethodMeta} from an execution plan, validating every index it follows. */
public final class MethodMetaReader {
  private MethodMetaReader() {}

  /** The tag of a serialized value, or NONE for a null entry. */
  public static Value.Tag tagOf(int kernelType, String where) {
    return switch (kernelType) {
      case KernelTypes.NONE, KernelTypes.ENull -> Value.Tag.NONE;
      case KernelTypes.EInt -> Value.Tag.INT;
      case KernelTypes.EBool -> Value.Tag.BOOL;
      case KernelTypes.EDouble -> Value.Tag.DOUBLE;
      case KernelTypes.Tensor -> Value.Tag.TENSOR;
      case KernelTypes.EString -> Value.Tag.STRING;
      case KernelTypes.EIntList -> Value.Tag.INT_LIST;
      case KernelTypes.EDoubleList -> Value.Tag.DOUBLE_LIST;
      case KernelTypes.EBoolList -> Value.Tag.BOOL_LIST;
      case KernelTypes.ETensorList -> Value.Tag.TENSOR_LIST;
      case KernelTypes.EOptionalTensorList -> Value.Tag.OPTIONAL_TENSOR_LIST;
      default -> throw ExecuTorchException.invalidProgram("unknown value type " + kernelType + " at " + where);
    };
  }

  /** Operator registry keys in the plan's operator-table order. */
  public static List<String> operatorNames(ExecutionPlan plan, String method) {
    List<String> names = new ArrayList<>();
    Operator op = new Operator();
    for (int i = 0; i < plan.operatorsLength(); i++) {
      plan.operators(op, i);
      if (op.name() == null) {
        throw ExecuTorchException.invalidProgram("method '" + method + "' operator " + i + " has no name");
      }
      names.add(KernelRegistry.operatorName(op.name(), op.overload()));
    }
    return names;
  }

  public static MethodMeta read(PteFile file, ExecutionPlan plan) {
    String name = plan.name();
    if (name == null) {
      throw ExecuTorchException.invalidProgram("execution plan has no name");
    }
    String where = "method '" + name + "'";
    if (plan.nonConstBufferSizesVector() == null) {
      throw ExecuTorchException.invalidProgram(where + ": missing non_const_buffer_sizes field");
    }
    if (plan.inputsVector() == null) {
      throw ExecuTorchException.invalidProgram(where + ": missing inputs field");
    }
    if (plan.outputsVector() == null) {
      throw ExecuTorchException.invalidProgram(where + ": missing outputs field");
    }
    List<ValueInfo> inputs = new ArrayList<>();
    for (int i = 0; i < plan.inputsLength(); i++) {
      inputs.add(valueInfo(plan, plan.inputs(i), where + " input " + i));
    }
    List<ValueInfo> outputs = new ArrayList<>();
    for (int i = 0; i < plan.outputsLength(); i++) {
      outputs.add(valueInfo(plan, plan.outputs(i), where + " output " + i));
    }
    List<Long> buffers = new ArrayList<>();
    for (int i = 1; i < plan.nonConstBufferSizesLength(); i++) {
      long s = plan.nonConstBufferSizes(i);
      if (s < 0) {
        throw ExecuTorchException.invalidProgram(where + ": non_const_buffer_sizes[" + i + "] is negative: " + s);
      }
      buffers.add(s);
    }

    List<String> opNames = operatorNames(plan, name);
    int[] calls = new int[opNames.size()];
    int instructions = 0;
    Chain chain = new Chain();
    Instruction ins = new Instruction();
    KernelCall kc = new KernelCall();
    for (int c = 0; c < plan.chainsLength(); c++) {
      plan.chains(chain, c);
      for (int i = 0; i < chain.instructionsLength(); i++) {
        chain.instructions(ins, i);
        instructions++;
        if (ins.instrArgsType() == InstructionArguments.KernelCall) {
          ins.instrArgs(kc);
          int op = kc.opIndex();
          if (op < 0 || op >= calls.length) {
            throw ExecuTorchException.invalidProgram(
                where + " instruction " + i + ": operator index " + op + " out of range 0.." + (calls.length - 1));
          }
          calls[op]++;
        }
      }
    }
    Map<String, Integer> merged = new LinkedHashMap<>();
    for (int i = 0; i < calls.length; i++) {
      merged.merge(opNames.get(i), calls[i], Integer::sum);
    }
    List<OperatorUse> ops = new ArrayList<>();
    merged.forEach((k, v) -> ops.add(new OperatorUse(k, v)));

    List<DelegateInfo> delegates = new ArrayList<>();
    BackendDelegate bd = new BackendDelegate();
    for (int i = 0; i < plan.delegatesLength(); i++) {
      plan.delegates(bd, i);
      delegates.add(delegateInfo(file, bd, i, where));
    }

    List<String> mutableNames = new ArrayList<>();
    EValue ev = new EValue();
    Tensor t = new Tensor();
    for (int i = 0; i < plan.valuesLength(); i++) {
      plan.values(ev, i);
      if (ev.valType() == KernelTypes.Tensor && ev.val(t) != null) {
        var extra = t.extraTensorInfo();
        if (t.allocationInfo() != null && extra != null && extra.fullyQualifiedName() != null) {
          mutableNames.add(extra.fullyQualifiedName());
        }
      }
    }
    var container = plan.containerMetaType();
    List<String> inputNames =
        container == null ? List.of() : PytreeSpec.inputNames(container.encodedInpStr(), inputs.size());
    List<String> outputNames =
        container == null ? List.of() : PytreeSpec.outputNames(container.encodedOutStr(), outputs.size());
    return new MethodMeta(
        name, inputs, outputs, buffers, ops, delegates, instructions, plan.valuesLength(), mutableNames,
        inputNames, outputNames);
  }

  public static DelegateInfo delegateInfo(PteFile file, BackendDelegate bd, int i, String where) {
    String w = where + " delegate " + i;
    String id = bd.id();
    if (id == null) {
      throw ExecuTorchException.invalidProgram(w + " has no backend id");
    }
    var ref = bd.processed();
    if (ref == null) {
      throw ExecuTorchException.invalidProgram(w + " (" + id + ") has no processed data reference");
    }
    String location;
    long size;
    long index = ref.index();
    switch (ref.location()) {
      case 0 -> {
        location = "inline";
        size = file.inlineDelegateData(index, w).byteSize();
      }
      case 1 -> {
        location = "segment";
        if (index >= file.segmentCount()) {
          throw ExecuTorchException.invalidProgram(
              w + " (" + id + ") refers to segment " + index + " but the program has " + file.segmentCount());
        }
        size = file.segmentSize((int) index);
      }
      default ->
          throw ExecuTorchException.invalidProgram(w + " (" + id + ") has unknown data location " + ref.location());
    }
    List<String> keys = new ArrayList<>();
    CompileSpec cs = new CompileSpec();
    for (int k = 0; k < bd.compileSpecsLength(); k++) {
      bd.compileSpecs(cs, k);
      keys.add(cs.key() == null ? "" : cs.key());
    }
    return new DelegateInfo(i, id, location, index, size, keys);
  }

  private static ValueInfo valueInfo(ExecutionPlan plan, int index, String where) {
    if (index < 0 || index >= plan.valuesLength()) {
      throw ExecuTorchException.invalidProgram(
          where + " refers to value " + index + " but the method has " + plan.valuesLength() + " values");
    }
    EValue ev = plan.values(index);
    Value.Tag tag = tagOf(ev.valType(), where);
    switch (tag) {
      case TENSOR -> {
        Tensor t = (Tensor) ev.val(new Tensor());
        if (t == null) {
          throw ExecuTorchException.invalidProgram(where + ": tensor value " + index + " is empty");
        }
        var info = PlanTensors.info(t, where + " (value " + index + ")");
        return new ValueInfo(index, tag, info, info.describe(), null);
      }
      case INT -> {
        var x = (org.et4j.schema.program.EInt) ev.val(new org.et4j.schema.program.EInt());
        long v = x == null ? 0 : x.intVal();
        return new ValueInfo(index, tag, null, "int " + v, org.et4j.runtime.EValue.from(v));
      }
      case BOOL -> {
        var x = (org.et4j.schema.program.EBool) ev.val(new org.et4j.schema.program.EBool());
        boolean v = x != null && x.boolVal();
        return new ValueInfo(index, tag, null, "bool " + v, org.et4j.runtime.EValue.from(v));
      }
      case DOUBLE -> {
        var x = (org.et4j.schema.program.EDouble) ev.val(new org.et4j.schema.program.EDouble());
        double v = x == null ? 0.0 : x.doubleVal();
        return new ValueInfo(index, tag, null, "double " + v, org.et4j.runtime.EValue.from(v));
      }
      case STRING -> {
        var x = (org.et4j.schema.program.EString) ev.val(new org.et4j.schema.program.EString());
        String v = x == null || x.stringVal() == null ? "" : x.stringVal();
        return new ValueInfo(index, tag, null, "string '" + v + "'", org.et4j.runtime.EValue.from(v));
      }
      default -> {
        return new ValueInfo(index, tag, null, tag.name().toLowerCase(java.util.Locale.ROOT), tag == Value.Tag.NONE ? org.et4j.runtime.EValue.none() : null);
      }
    }
  }
}
