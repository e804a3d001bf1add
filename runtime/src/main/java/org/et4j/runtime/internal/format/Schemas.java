package org.et4j.runtime.internal.format;

import static org.et4j.runtime.internal.format.FlatbufferVerifier.table;

import org.et4j.runtime.internal.format.FlatbufferVerifier.TableSpec;

/**
 * The shapes of et4j's flatbuffer schemas ({@code flatbuffer-schema/src/main/fbs}) for the
 * verifier. Each table lists its fields in slot order; keep them in step with the .fbs files (the
 * format tests decode every fixture through both).
 */
public final class Schemas {
  private Schemas() {}

  // ---- program.fbs ----
  static final TableSpec CONTAINER_METADATA =
      table("ContainerMetadata").string("encoded_inp_str").string("encoded_out_str");
  static final TableSpec NULL = table("Null");
  static final TableSpec ALLOCATION_DETAILS =
      table("AllocationDetails").scalar("memory_id", 4).scalar("memory_offset_low", 4).scalar("memory_offset_high", 4);
  static final TableSpec EXTRA_TENSOR_INFO =
      table("ExtraTensorInfo")
          .scalar("mutable_data_segments_idx", 8)
          .string("fully_qualified_name")
          .scalar("location", 1)
          .scalar("device_type", 1)
          .scalar("device_index", 1);
  static final TableSpec TENSOR =
      table("Tensor")
          .scalar("scalar_type", 1)
          .scalar("storage_offset", 4)
          .vector("sizes", 4)
          .vector("dim_order", 1)
          .scalar("requires_grad", 1)
          .scalar("data_buffer_idx", 4)
          .table("allocation_info", ALLOCATION_DETAILS)
          .scalar("layout", 1)
          .scalar("shape_dynamism", 1)
          .table("extra_tensor_info", EXTRA_TENSOR_INFO);
  static final TableSpec INT = table("Int").scalar("int_val", 8);
  static final TableSpec BOOL = table("Bool").scalar("bool_val", 1);
  static final TableSpec DOUBLE = table("Double").scalar("double_val", 8);
  static final TableSpec STRING = table("String").string("string_val");
  static final TableSpec INT_LIST = table("IntList").vector("items", 8);
  static final TableSpec DOUBLE_LIST = table("DoubleList").vector("items", 8);
  static final TableSpec BOOL_LIST = table("BoolList").vector("items", 1);
  static final TableSpec TENSOR_LIST = table("TensorList").vector("items", 4);
  static final TableSpec OPTIONAL_TENSOR_LIST = table("OptionalTensorList").vector("items", 4);
  static final TableSpec EVALUE =
      table("EValue")
          .union("val", NULL, INT, BOOL, DOUBLE, TENSOR, STRING, INT_LIST, DOUBLE_LIST, BOOL_LIST, TENSOR_LIST, OPTIONAL_TENSOR_LIST);
  static final TableSpec OPERATOR = table("Operator").string("name").string("overload");
  static final TableSpec KERNEL_CALL = table("KernelCall").scalar("op_index", 4).vector("args", 4);
  static final TableSpec DELEGATE_CALL = table("DelegateCall").scalar("delegate_index", 4).vector("args", 4);
  static final TableSpec MOVE_CALL = table("MoveCall").scalar("move_from", 4).scalar("move_to", 4);
  static final TableSpec JUMP_FALSE_CALL =
      table("JumpFalseCall").scalar("cond_value_index", 4).scalar("destination_instruction", 4);
  static final TableSpec FREE_CALL = table("FreeCall").scalar("value_index", 4);
  static final TableSpec INSTRUCTION =
      table("Instruction").union("instr_args", KERNEL_CALL, DELEGATE_CALL, MOVE_CALL, JUMP_FALSE_CALL, FREE_CALL);
  static final TableSpec FRAME =
      table("Frame").string("filename").scalar("lineno", 4).string("name").string("context");
  static final TableSpec FRAME_LIST = table("FrameList").tableVector("items", FRAME);
  static final TableSpec DELEGATE_DATA_REFERENCE =
      table("BackendDelegateDataReference").scalar("location", 1).scalar("index", 4);
  static final TableSpec COMPILE_SPEC = table("CompileSpec").string("key").vector("value", 1);
  static final TableSpec BACKEND_DELEGATE =
      table("BackendDelegate")
          .string("id")
          .table("processed", DELEGATE_DATA_REFERENCE)
          .tableVector("compile_specs", COMPILE_SPEC);
  static final TableSpec CHAIN =
      table("Chain")
          .vector("inputs", 4)
          .vector("outputs", 4)
          .tableVector("instructions", INSTRUCTION)
          .tableVector("stacktrace", FRAME_LIST);
  static final TableSpec NON_CONST_BUFFER_DEVICE =
      table("NonConstBufferDevice").scalar("buffer_idx", 4).scalar("device_type", 1).scalar("device_index", 1);
  static final TableSpec EXECUTION_PLAN =
      table("ExecutionPlan")
          .string("name")
          .table("container_meta_type", CONTAINER_METADATA)
          .tableVector("values", EVALUE)
          .vector("inputs", 4)
          .vector("outputs", 4)
          .tableVector("chains", CHAIN)
          .tableVector("operators", OPERATOR)
          .tableVector("delegates", BACKEND_DELEGATE)
          .vector("non_const_buffer_sizes", 8)
          .tableVector("non_const_buffer_device", NON_CONST_BUFFER_DEVICE);
  static final TableSpec CONSTANT_BUFFER = table("Buffer").vector("storage", 1);
  static final TableSpec INLINE_DATA = table("BackendDelegateInlineData").vector("data", 1);
  static final TableSpec DATA_SEGMENT = table("DataSegment").scalar("offset", 8).scalar("size", 8);
  static final TableSpec SUBSEGMENT_OFFSETS =
      table("SubsegmentOffsets").scalar("segment_index", 4).vector("offsets", 8);
  static final TableSpec NAMED_DATA = table("NamedData").string("key").scalar("segment_index", 4);

  /** Root of a .pte. */
  public static final TableSpec PROGRAM =
      table("Program")
          .scalar("version", 4)
          .tableVector("execution_plan", EXECUTION_PLAN)
          .tableVector("constant_buffer", CONSTANT_BUFFER)
          .tableVector("backend_delegate_data", INLINE_DATA)
          .tableVector("segments", DATA_SEGMENT)
          .table("constant_segment", SUBSEGMENT_OFFSETS)
          .tableVector("mutable_data_segments", SUBSEGMENT_OFFSETS)
          .tableVector("named_data", NAMED_DATA);

  // ---- flat_tensor.fbs ----
  static final TableSpec TENSOR_LAYOUT =
      table("TensorLayout").scalar("scalar_type", 1).vector("sizes", 4).vector("dim_order", 1);
  static final TableSpec FT_NAMED_DATA =
      table("NamedData").string("key").scalar("segment_index", 4).table("tensor_layout", TENSOR_LAYOUT);

  /** Root of a .ptd. */
  public static final TableSpec FLAT_TENSOR =
      table("FlatTensor")
          .scalar("version", 4)
          .tableVector("segments", DATA_SEGMENT)
          .tableVector("named_data", FT_NAMED_DATA);

  // ---- bundled_program.fbs ----
  static final TableSpec B_TENSOR =
      table("Tensor").scalar("scalar_type", 1).vector("sizes", 4).vector("data", 1).vector("dim_order", 1);
  static final TableSpec B_VALUE = table("Value").union("val", B_TENSOR, INT, BOOL, DOUBLE);
  static final TableSpec B_TEST_CASE =
      table("BundledMethodTestCase").tableVector("inputs", B_VALUE).tableVector("expected_outputs", B_VALUE);
  static final TableSpec B_TEST_SUITE =
      table("BundledMethodTestSuite").string("method_name").tableVector("test_cases", B_TEST_CASE);

  /** Root of a .bpte. */
  public static final TableSpec BUNDLED_PROGRAM =
      table("BundledProgram")
          .scalar("version", 4)
          .tableVector("method_test_suites", B_TEST_SUITE)
          .vector("program", 1);

  // ---- etdump.fbs ----
  static final TableSpec D_TENSOR =
      table("Tensor").scalar("scalar_type", 1).vector("sizes", 8).vector("strides", 8).scalar("offset", 8);
  static final TableSpec D_INT = table("Int").scalar("int_val", 8);
  static final TableSpec D_BOOL = table("Bool").scalar("bool_val", 1);
  static final TableSpec D_FLOAT = table("Float").scalar("float_val", 4);
  static final TableSpec D_DOUBLE = table("Double").scalar("double_val", 8);
  static final TableSpec D_TENSOR_LIST = table("TensorList").tableVector("tensors", D_TENSOR);
  static final TableSpec D_VALUE =
      table("Value")
          .scalar("val", 1)
          .table("tensor", D_TENSOR)
          .table("tensor_list", D_TENSOR_LIST)
          .table("int_value", D_INT)
          .table("float_value", D_FLOAT)
          .table("double_value", D_DOUBLE)
          .table("bool_value", D_BOOL)
          .table("output", D_BOOL);
  static final TableSpec DEBUG_EVENT =
      table("DebugEvent")
          .scalar("chain_index", 8)
          .scalar("instruction_id", 4)
          .table("debug_entry", D_VALUE)
          .scalar("delegate_debug_id_int", 4)
          .string("delegate_debug_id_str")
          .string("name");
  static final TableSpec ALLOCATION_EVENT =
      table("AllocationEvent").scalar("allocator_id", 4).scalar("allocation_size", 8);
  static final TableSpec PROFILE_EVENT =
      table("ProfileEvent")
          .string("name")
          .scalar("chain_index", 4)
          .scalar("instruction_id", 4)
          .scalar("delegate_debug_id_int", 4)
          .string("delegate_debug_id_str")
          .vector("delegate_debug_metadata", 1)
          .scalar("start_time", 8)
          .scalar("end_time", 8);
  static final TableSpec EVENT =
      table("Event")
          .table("profile_event", PROFILE_EVENT)
          .table("allocation_event", ALLOCATION_EVENT)
          .table("debug_event", DEBUG_EVENT);
  static final TableSpec ALLOCATOR = table("Allocator").string("name");
  static final TableSpec RUN_DATA =
      table("RunData")
          .string("name")
          .scalar("bundled_input_index", 4)
          .tableVector("allocators", ALLOCATOR)
          .tableVector("events", EVENT);

  /** Root of an ETDump (.etdp), after its 4-byte size prefix. */
  public static final TableSpec ETDUMP = table("ETDump").scalar("version", 4).tableVector("run_data", RUN_DATA);
}
