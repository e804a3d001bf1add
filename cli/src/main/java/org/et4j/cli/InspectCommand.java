package org.et4j.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.et4j.runtime.DelegateInfo;
import org.et4j.runtime.ExternalDataInfo;
import org.et4j.runtime.MethodMeta;
import org.et4j.runtime.OperatorUse;
import org.et4j.runtime.Program;
import org.et4j.runtime.ProgramLayout;
import org.et4j.runtime.SegmentInfo;
import org.et4j.runtime.TensorInfo;
import org.et4j.runtime.ValueInfo;

/**
 * {@code et4j inspect}: what a program file holds, without running it. The text and the JSON
 * output are rendered from one model, so they always say the same.
 */
final class InspectCommand {
  static final Set<String> FLAGS = Set.of("--json");
  static final Set<String> VALUED = Options.withLoadOptions(Set.of());

  private final Options options;
  private final PrintStream out;

  InspectCommand(Options options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  int run() {
    Path file = options.file("program");
    try (Program program = Program.load(file, options.loadOptions(0))) {
      ProgramLayout layout = program.layout();
      if (options.flag("--json")) {
        out.print(Json.write(model(file, program, layout)));
      } else {
        printText(file, program, layout);
      }
    }
    return 0;
  }

  private static Map<String, Object> model(Path file, Program program, ProgramLayout l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("file", file.toString());
    m.put("format", format(l));
    m.put("file_size", l.fileSize());
    m.put("extended_header_length", l.extendedHeaderLength());
    m.put("program_size", l.programSize());
    m.put("segment_base_offset", l.segmentBaseOffset());
    m.put("segment_data_size", l.segmentDataSize());
    List<Object> segs = new ArrayList<>();
    for (SegmentInfo s : l.segments()) {
      Map<String, Object> sm = new LinkedHashMap<>();
      sm.put("index", s.index());
      sm.put("offset", s.offset());
      sm.put("size", s.size());
      sm.put("content", s.content());
      segs.add(sm);
    }
    m.put("segments", segs);
    m.put("constant_storage", l.constantStorage());
    m.put("constant_data_size", l.constantDataSize());
    m.put("named_data", l.namedDataKeys());
    List<Object> ext = new ArrayList<>();
    for (ExternalDataInfo e : l.externalData()) {
      Map<String, Object> em = new LinkedHashMap<>();
      em.put("name", e.name());
      em.put("data_size", e.dataSize());
      em.put("keys", e.keys());
      ext.add(em);
    }
    m.put("external_data", ext);
    List<Object> methods = new ArrayList<>();
    for (String name : program.methodNames()) {
      methods.add(method(program.methodMeta(name), contents(program, name)));
    }
    m.put("methods", methods);
    return m;
  }

  /** Each delegate's contents as its backend describes them, or the error describing them raised. */
  private static List<Object> contents(org.et4j.runtime.Program program, String method) {
    List<Object> out = new ArrayList<>();
    try {
      out.addAll(program.delegateContents(method));
    } catch (org.et4j.runtime.ExecuTorchException e) {
      for (int i = 0; i < program.methodMeta(method).delegates().size(); i++) {
        out.add(e);
      }
    }
    return out;
  }

  private static Map<String, Object> entries(List<org.et4j.runtime.delegate.DelegateContents.Entry> entries) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (var e : entries) {
      Map<String, Object> em = new LinkedHashMap<>();
      em.put("count", e.count());
      em.put("supported", e.supported());
      m.put(e.name(), em);
    }
    return m;
  }

  private static String entriesText(List<org.et4j.runtime.delegate.DelegateContents.Entry> entries) {
    StringBuilder b = new StringBuilder();
    for (var e : entries) {
      if (b.length() > 0) {
        b.append(", ");
      }
      b.append(e.name()).append(" x").append(e.count());
      if (!e.supported()) {
        b.append(" (not supported by et4j)");
      }
    }
    return b.toString();
  }

  private static Map<String, Object> method(MethodMeta meta, List<Object> contents) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", meta.name());
    m.put("inputs", values(meta.inputs()));
    m.put("outputs", values(meta.outputs()));
    m.put("planned_buffers", meta.plannedBufferSizes());
    m.put("planned_bytes", meta.plannedBytes());
    m.put("instructions", meta.numInstructions());
    m.put("values", meta.numValues());
    List<Object> ops = new ArrayList<>();
    for (OperatorUse op : meta.operators()) {
      Map<String, Object> om = new LinkedHashMap<>();
      om.put("name", op.name());
      om.put("calls", op.calls());
      ops.add(om);
    }
    m.put("operators", ops);
    List<Object> dels = new ArrayList<>();
    for (DelegateInfo d : meta.delegates()) {
      Map<String, Object> dm = new LinkedHashMap<>();
      dm.put("index", d.index());
      dm.put("backend", d.backendId());
      dm.put("location", d.location());
      dm.put("data_index", d.dataIndex());
      dm.put("payload_size", d.payloadSize());
      dm.put("compile_specs", d.compileSpecKeys());
      Object c = d.index() < contents.size() ? contents.get(d.index()) : null;
      if (c instanceof org.et4j.runtime.delegate.DelegateContents dc) {
        dm.put("nodes", entries(dc.nodes()));
        dm.put("datatypes", entries(dc.datatypes()));
      } else if (c instanceof Exception e) {
        dm.put("contents_error", e.getMessage());
      }
      dels.add(dm);
    }
    m.put("delegates", dels);
    m.put("mutable_buffers", meta.mutableBufferNames());
    return m;
  }

  private static List<Object> values(List<ValueInfo> infos) {
    List<Object> l = new ArrayList<>();
    for (int i = 0; i < infos.size(); i++) {
      ValueInfo v = infos.get(i);
      Map<String, Object> vm = new LinkedHashMap<>();
      vm.put("index", i);
      vm.put("value_index", v.valueIndex());
      vm.put("kind", v.tag().name().toLowerCase(java.util.Locale.ROOT));
      TensorInfo t = v.tensor();
      if (t != null) {
        vm.put("dtype", t.dtype().displayName());
        vm.put("sizes", t.sizes());
        vm.put("dim_order", t.dimOrder());
        vm.put("shape_dynamism", t.dynamism().name().toLowerCase(java.util.Locale.ROOT));
        vm.put("memory_planned", t.memoryPlanned());
        vm.put("nbytes", t.nbytes());
      } else {
        vm.put("value", v.description());
      }
      l.add(vm);
    }
    return l;
  }

  private static String format(ProgramLayout l) {
    return l.bundled() ? "bundled program (BP08) holding a program (ET12)" : "program (ET12)";
  }

  private void printText(Path file, Program program, ProgramLayout l) {
    out.printf("file:        %s (%,d bytes)%n", file, l.fileSize());
    out.printf("format:      %s%n", format(l));
    out.printf(
        "header:      %s%n",
        l.extendedHeaderLength() == 0
            ? "no extended header"
            : "eh00, length " + l.extendedHeaderLength() + ", segment base " + l.segmentBaseOffset()
                + (l.extendedHeaderLength() >= 32 ? ", segment data " + l.segmentDataSize() + " bytes" : " (pre-1.0 layout)"));
    out.printf("flatbuffer:  %,d bytes%n", l.programSize());
    if (l.segments().isEmpty()) {
      out.println("segments:    none");
    } else {
      out.println("segments:");
      for (SegmentInfo s : l.segments()) {
        out.printf("  [%d] offset %,d  size %,d  %s%n", s.index(), s.offset(), s.size(), s.content());
      }
    }
    out.printf("constants:   %s%s%n", l.constantStorage(),
        l.constantStorage().equals("none") ? "" : String.format(", %,d bytes", l.constantDataSize()));
    if (!l.namedDataKeys().isEmpty()) {
      out.printf("named data:  %d key(s)%n", l.namedDataKeys().size());
      for (String k : l.namedDataKeys()) {
        out.println("  " + k);
      }
    }
    for (ExternalDataInfo e : l.externalData()) {
      out.printf("external:    %s, %d tensor(s), %,d bytes%n", e.name(), e.keys().size(), e.dataSize());
    }
    out.printf("methods:     %d%n", program.methodNames().size());
    for (String name : program.methodNames()) {
      MethodMeta meta = program.methodMeta(name);
      out.println();
      out.println("method " + name);
      out.println("  inputs:");
      printValues(meta.inputs());
      out.println("  outputs:");
      printValues(meta.outputs());
      out.printf("  planned memory: %d buffer(s) %s, %,d bytes%n", meta.plannedBufferSizes().size(),
          meta.plannedBufferSizes(), meta.plannedBytes());
      out.printf("  instructions: %d, values: %d%n", meta.numInstructions(), meta.numValues());
      out.printf("  operators (%d):%n", meta.operators().size());
      for (OperatorUse op : meta.operators()) {
        out.printf("    %-50s x%d%n", op.name(), op.calls());
      }
      if (meta.delegates().isEmpty()) {
        out.println("  delegates: none");
      } else {
        out.printf("  delegates (%d):%n", meta.delegates().size());
        List<Object> contents = contents(program, meta.name());
        for (DelegateInfo d : meta.delegates()) {
          out.printf("    [%d] %s, %s %d, %,d bytes%s%n", d.index(), d.backendId(), d.location(), d.dataIndex(),
              d.payloadSize(), d.compileSpecKeys().isEmpty() ? "" : ", compile specs " + d.compileSpecKeys());
          Object c = d.index() < contents.size() ? contents.get(d.index()) : null;
          if (c instanceof org.et4j.runtime.delegate.DelegateContents dc) {
            out.println("        nodes:     " + entriesText(dc.nodes()));
            out.println("        datatypes: " + entriesText(dc.datatypes()));
          } else if (c instanceof Exception e) {
            out.println("        contents:  " + e.getMessage());
          }
        }
      }
      if (!meta.mutableBufferNames().isEmpty()) {
        out.println("  mutable buffers: " + meta.mutableBufferNames());
      }
    }
  }

  private void printValues(List<ValueInfo> values) {
    if (values.isEmpty()) {
      out.println("    (none)");
    }
    for (int i = 0; i < values.size(); i++) {
      ValueInfo v = values.get(i);
      TensorInfo t = v.tensor();
      if (t == null) {
        out.printf("    %d  %s%n", i, v.description());
      } else {
        String order = t.dimOrder().equals(java.util.stream.IntStream.range(0, t.dimOrder().size()).boxed().toList())
            ? "" : ", dim order " + t.dimOrder();
        out.printf("    %d  tensor %s  %s, %s, %,d bytes%s%n", i, t.describe(),
            t.dynamism().name().toLowerCase(java.util.Locale.ROOT), t.memoryPlanned() ? "planned" : "not planned",
            t.nbytes(), order);
      }
    }
  }
}
