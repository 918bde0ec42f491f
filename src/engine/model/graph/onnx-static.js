// Generated from onnx.proto3 by make-onnx-static.ts (pbjs --target=static-module --wrap=es6 --keep-case --no-create --no-verify --no-convert --no-delimited --no-typeurl --no-comments): do not edit.
import $protobuf from "protobufjs/minimal.js";

const $Reader = $protobuf.Reader,
  $Writer = $protobuf.Writer,
  $util = $protobuf.util;

const $root = $protobuf.roots["default"] || ($protobuf.roots["default"] = {});

export const onnx = ($root.onnx = (() => {
  const onnx = {};

  onnx.Version = (function () {
    const valuesById = {},
      values = Object.create(valuesById);
    values[(valuesById[0] = "_START_VERSION")] = 0;
    values[(valuesById[1] = "IR_VERSION_2017_10_10")] = 1;
    values[(valuesById[2] = "IR_VERSION_2017_10_30")] = 2;
    values[(valuesById[3] = "IR_VERSION_2017_11_3")] = 3;
    values[(valuesById[4] = "IR_VERSION_2019_1_22")] = 4;
    values[(valuesById[5] = "IR_VERSION_2019_3_18")] = 5;
    values[(valuesById[6] = "IR_VERSION_2019_9_19")] = 6;
    values[(valuesById[7] = "IR_VERSION_2020_5_8")] = 7;
    values[(valuesById[8] = "IR_VERSION_2021_7_30")] = 8;
    values[(valuesById[9] = "IR_VERSION_2023_5_5")] = 9;
    values[(valuesById[10] = "IR_VERSION_2024_3_25")] = 10;
    values[(valuesById[11] = "IR_VERSION_2025_05_12")] = 11;
    values[(valuesById[12] = "IR_VERSION_2025_08_26")] = 12;
    values[(valuesById[13] = "IR_VERSION_2025_11_06")] = 13;
    values[(valuesById[14] = "IR_VERSION")] = 14;
    return values;
  })();

  onnx.AttributeProto = (function () {
    function AttributeProto(properties) {
      this.floats = [];
      this.ints = [];
      this.strings = [];
      this.tensors = [];
      this.graphs = [];
      this.sparse_tensors = [];
      this.type_protos = [];
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    AttributeProto.prototype.name = "";
    AttributeProto.prototype.ref_attr_name = "";
    AttributeProto.prototype.doc_string = "";
    AttributeProto.prototype.type = 0;
    AttributeProto.prototype.f = 0;
    AttributeProto.prototype.i = $util.Long ? $util.Long.fromBits(0, 0, false) : 0;
    AttributeProto.prototype.s = $util.newBuffer([]);
    AttributeProto.prototype.t = null;
    AttributeProto.prototype.g = null;
    AttributeProto.prototype.sparse_tensor = null;
    AttributeProto.prototype.tp = null;
    AttributeProto.prototype.floats = $util.emptyArray;
    AttributeProto.prototype.ints = $util.emptyArray;
    AttributeProto.prototype.strings = $util.emptyArray;
    AttributeProto.prototype.tensors = $util.emptyArray;
    AttributeProto.prototype.graphs = $util.emptyArray;
    AttributeProto.prototype.sparse_tensors = $util.emptyArray;
    AttributeProto.prototype.type_protos = $util.emptyArray;

    AttributeProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.name != null && Object.hasOwnProperty.call(message, "name"))
        writer.uint32(10).string(message.name);
      if (message.f != null && Object.hasOwnProperty.call(message, "f"))
        writer.uint32(21).float(message.f);
      if (message.i != null && Object.hasOwnProperty.call(message, "i"))
        writer.uint32(24).int64(message.i);
      if (message.s != null && Object.hasOwnProperty.call(message, "s"))
        writer.uint32(34).bytes(message.s);
      if (message.t != null && Object.hasOwnProperty.call(message, "t"))
        $root.onnx.TensorProto.encode(message.t, writer.uint32(42).fork(), q + 1).ldelim();
      if (message.g != null && Object.hasOwnProperty.call(message, "g"))
        $root.onnx.GraphProto.encode(message.g, writer.uint32(50).fork(), q + 1).ldelim();
      if (message.floats != null && message.floats.length) {
        writer.uint32(58).fork();
        for (let i = 0; i < message.floats.length; ++i) writer.float(message.floats[i]);
        writer.ldelim();
      }
      if (message.ints != null && message.ints.length) {
        writer.uint32(66).fork();
        for (let i = 0; i < message.ints.length; ++i) writer.int64(message.ints[i]);
        writer.ldelim();
      }
      if (message.strings != null && message.strings.length)
        for (let i = 0; i < message.strings.length; ++i)
          writer.uint32(74).bytes(message.strings[i]);
      if (message.tensors != null && message.tensors.length)
        for (let i = 0; i < message.tensors.length; ++i)
          $root.onnx.TensorProto.encode(
            message.tensors[i],
            writer.uint32(82).fork(),
            q + 1,
          ).ldelim();
      if (message.graphs != null && message.graphs.length)
        for (let i = 0; i < message.graphs.length; ++i)
          $root.onnx.GraphProto.encode(message.graphs[i], writer.uint32(90).fork(), q + 1).ldelim();
      if (message.doc_string != null && Object.hasOwnProperty.call(message, "doc_string"))
        writer.uint32(106).string(message.doc_string);
      if (message.tp != null && Object.hasOwnProperty.call(message, "tp"))
        $root.onnx.TypeProto.encode(message.tp, writer.uint32(114).fork(), q + 1).ldelim();
      if (message.type_protos != null && message.type_protos.length)
        for (let i = 0; i < message.type_protos.length; ++i)
          $root.onnx.TypeProto.encode(
            message.type_protos[i],
            writer.uint32(122).fork(),
            q + 1,
          ).ldelim();
      if (message.type != null && Object.hasOwnProperty.call(message, "type"))
        writer.uint32(160).int32(message.type);
      if (message.ref_attr_name != null && Object.hasOwnProperty.call(message, "ref_attr_name"))
        writer.uint32(170).string(message.ref_attr_name);
      if (message.sparse_tensor != null && Object.hasOwnProperty.call(message, "sparse_tensor"))
        $root.onnx.SparseTensorProto.encode(
          message.sparse_tensor,
          writer.uint32(178).fork(),
          q + 1,
        ).ldelim();
      if (message.sparse_tensors != null && message.sparse_tensors.length)
        for (let i = 0; i < message.sparse_tensors.length; ++i)
          $root.onnx.SparseTensorProto.encode(
            message.sparse_tensors[i],
            writer.uint32(186).fork(),
            q + 1,
          ).ldelim();
      return writer;
    };

    AttributeProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.AttributeProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.name = reader.string();
            break;
          }
          case 21: {
            message.ref_attr_name = reader.string();
            break;
          }
          case 13: {
            message.doc_string = reader.string();
            break;
          }
          case 20: {
            message.type = reader.int32();
            break;
          }
          case 2: {
            message.f = reader.float();
            break;
          }
          case 3: {
            message.i = reader.int64();
            break;
          }
          case 4: {
            message.s = reader.bytes();
            break;
          }
          case 5: {
            message.t = $root.onnx.TensorProto.decode(reader, reader.uint32(), undefined, long + 1);
            break;
          }
          case 6: {
            message.g = $root.onnx.GraphProto.decode(reader, reader.uint32(), undefined, long + 1);
            break;
          }
          case 22: {
            message.sparse_tensor = $root.onnx.SparseTensorProto.decode(
              reader,
              reader.uint32(),
              undefined,
              long + 1,
            );
            break;
          }
          case 14: {
            message.tp = $root.onnx.TypeProto.decode(reader, reader.uint32(), undefined, long + 1);
            break;
          }
          case 7: {
            if (!(message.floats && message.floats.length)) message.floats = [];
            if ((tag & 7) === 2) {
              let end2 = reader.uint32() + reader.pos;
              if (end2 > reader.len) throw RangeError("index out of range");
              reader.len = end2;
              while (reader.pos < end2) message.floats.push(reader.float());
              if (reader.pos !== end2) throw RangeError("index out of range");
              reader.len = end;
            } else message.floats.push(reader.float());
            break;
          }
          case 8: {
            if (!(message.ints && message.ints.length)) message.ints = [];
            if ((tag & 7) === 2) {
              let end2 = reader.uint32() + reader.pos;
              if (end2 > reader.len) throw RangeError("index out of range");
              reader.len = end2;
              while (reader.pos < end2) message.ints.push(reader.int64());
              if (reader.pos !== end2) throw RangeError("index out of range");
              reader.len = end;
            } else message.ints.push(reader.int64());
            break;
          }
          case 9: {
            if (!(message.strings && message.strings.length)) message.strings = [];
            message.strings.push(reader.bytes());
            break;
          }
          case 10: {
            if (!(message.tensors && message.tensors.length)) message.tensors = [];
            message.tensors.push(
              $root.onnx.TensorProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 11: {
            if (!(message.graphs && message.graphs.length)) message.graphs = [];
            message.graphs.push(
              $root.onnx.GraphProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 23: {
            if (!(message.sparse_tensors && message.sparse_tensors.length))
              message.sparse_tensors = [];
            message.sparse_tensors.push(
              $root.onnx.SparseTensorProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 15: {
            if (!(message.type_protos && message.type_protos.length)) message.type_protos = [];
            message.type_protos.push(
              $root.onnx.TypeProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    AttributeProto.AttributeType = (function () {
      const valuesById = {},
        values = Object.create(valuesById);
      values[(valuesById[0] = "UNDEFINED")] = 0;
      values[(valuesById[1] = "FLOAT")] = 1;
      values[(valuesById[2] = "INT")] = 2;
      values[(valuesById[3] = "STRING")] = 3;
      values[(valuesById[4] = "TENSOR")] = 4;
      values[(valuesById[5] = "GRAPH")] = 5;
      values[(valuesById[11] = "SPARSE_TENSOR")] = 11;
      values[(valuesById[13] = "TYPE_PROTO")] = 13;
      values[(valuesById[6] = "FLOATS")] = 6;
      values[(valuesById[7] = "INTS")] = 7;
      values[(valuesById[8] = "STRINGS")] = 8;
      values[(valuesById[9] = "TENSORS")] = 9;
      values[(valuesById[10] = "GRAPHS")] = 10;
      values[(valuesById[12] = "SPARSE_TENSORS")] = 12;
      values[(valuesById[14] = "TYPE_PROTOS")] = 14;
      return values;
    })();

    return AttributeProto;
  })();

  onnx.ValueInfoProto = (function () {
    function ValueInfoProto(properties) {
      this.metadata_props = [];
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    ValueInfoProto.prototype.name = "";
    ValueInfoProto.prototype.type = null;
    ValueInfoProto.prototype.doc_string = "";
    ValueInfoProto.prototype.metadata_props = $util.emptyArray;

    ValueInfoProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.name != null && Object.hasOwnProperty.call(message, "name"))
        writer.uint32(10).string(message.name);
      if (message.type != null && Object.hasOwnProperty.call(message, "type"))
        $root.onnx.TypeProto.encode(message.type, writer.uint32(18).fork(), q + 1).ldelim();
      if (message.doc_string != null && Object.hasOwnProperty.call(message, "doc_string"))
        writer.uint32(26).string(message.doc_string);
      if (message.metadata_props != null && message.metadata_props.length)
        for (let i = 0; i < message.metadata_props.length; ++i)
          $root.onnx.StringStringEntryProto.encode(
            message.metadata_props[i],
            writer.uint32(34).fork(),
            q + 1,
          ).ldelim();
      return writer;
    };

    ValueInfoProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.ValueInfoProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.name = reader.string();
            break;
          }
          case 2: {
            message.type = $root.onnx.TypeProto.decode(
              reader,
              reader.uint32(),
              undefined,
              long + 1,
            );
            break;
          }
          case 3: {
            message.doc_string = reader.string();
            break;
          }
          case 4: {
            if (!(message.metadata_props && message.metadata_props.length))
              message.metadata_props = [];
            message.metadata_props.push(
              $root.onnx.StringStringEntryProto.decode(
                reader,
                reader.uint32(),
                undefined,
                long + 1,
              ),
            );
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    return ValueInfoProto;
  })();

  onnx.NodeProto = (function () {
    function NodeProto(properties) {
      this.input = [];
      this.output = [];
      this.attribute = [];
      this.metadata_props = [];
      this.device_configurations = [];
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    NodeProto.prototype.input = $util.emptyArray;
    NodeProto.prototype.output = $util.emptyArray;
    NodeProto.prototype.name = "";
    NodeProto.prototype.op_type = "";
    NodeProto.prototype.domain = "";
    NodeProto.prototype.overload = "";
    NodeProto.prototype.attribute = $util.emptyArray;
    NodeProto.prototype.doc_string = "";
    NodeProto.prototype.metadata_props = $util.emptyArray;
    NodeProto.prototype.device_configurations = $util.emptyArray;

    NodeProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.input != null && message.input.length)
        for (let i = 0; i < message.input.length; ++i) writer.uint32(10).string(message.input[i]);
      if (message.output != null && message.output.length)
        for (let i = 0; i < message.output.length; ++i) writer.uint32(18).string(message.output[i]);
      if (message.name != null && Object.hasOwnProperty.call(message, "name"))
        writer.uint32(26).string(message.name);
      if (message.op_type != null && Object.hasOwnProperty.call(message, "op_type"))
        writer.uint32(34).string(message.op_type);
      if (message.attribute != null && message.attribute.length)
        for (let i = 0; i < message.attribute.length; ++i)
          $root.onnx.AttributeProto.encode(
            message.attribute[i],
            writer.uint32(42).fork(),
            q + 1,
          ).ldelim();
      if (message.doc_string != null && Object.hasOwnProperty.call(message, "doc_string"))
        writer.uint32(50).string(message.doc_string);
      if (message.domain != null && Object.hasOwnProperty.call(message, "domain"))
        writer.uint32(58).string(message.domain);
      if (message.overload != null && Object.hasOwnProperty.call(message, "overload"))
        writer.uint32(66).string(message.overload);
      if (message.metadata_props != null && message.metadata_props.length)
        for (let i = 0; i < message.metadata_props.length; ++i)
          $root.onnx.StringStringEntryProto.encode(
            message.metadata_props[i],
            writer.uint32(74).fork(),
            q + 1,
          ).ldelim();
      if (message.device_configurations != null && message.device_configurations.length)
        for (let i = 0; i < message.device_configurations.length; ++i)
          $root.onnx.NodeDeviceConfigurationProto.encode(
            message.device_configurations[i],
            writer.uint32(82).fork(),
            q + 1,
          ).ldelim();
      return writer;
    };

    NodeProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.NodeProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            if (!(message.input && message.input.length)) message.input = [];
            message.input.push(reader.string());
            break;
          }
          case 2: {
            if (!(message.output && message.output.length)) message.output = [];
            message.output.push(reader.string());
            break;
          }
          case 3: {
            message.name = reader.string();
            break;
          }
          case 4: {
            message.op_type = reader.string();
            break;
          }
          case 7: {
            message.domain = reader.string();
            break;
          }
          case 8: {
            message.overload = reader.string();
            break;
          }
          case 5: {
            if (!(message.attribute && message.attribute.length)) message.attribute = [];
            message.attribute.push(
              $root.onnx.AttributeProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 6: {
            message.doc_string = reader.string();
            break;
          }
          case 9: {
            if (!(message.metadata_props && message.metadata_props.length))
              message.metadata_props = [];
            message.metadata_props.push(
              $root.onnx.StringStringEntryProto.decode(
                reader,
                reader.uint32(),
                undefined,
                long + 1,
              ),
            );
            break;
          }
          case 10: {
            if (!(message.device_configurations && message.device_configurations.length))
              message.device_configurations = [];
            message.device_configurations.push(
              $root.onnx.NodeDeviceConfigurationProto.decode(
                reader,
                reader.uint32(),
                undefined,
                long + 1,
              ),
            );
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    return NodeProto;
  })();

  onnx.IntIntListEntryProto = (function () {
    function IntIntListEntryProto(properties) {
      this.value = [];
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    IntIntListEntryProto.prototype.key = $util.Long ? $util.Long.fromBits(0, 0, false) : 0;
    IntIntListEntryProto.prototype.value = $util.emptyArray;

    IntIntListEntryProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.key != null && Object.hasOwnProperty.call(message, "key"))
        writer.uint32(8).int64(message.key);
      if (message.value != null && message.value.length) {
        writer.uint32(18).fork();
        for (let i = 0; i < message.value.length; ++i) writer.int64(message.value[i]);
        writer.ldelim();
      }
      return writer;
    };

    IntIntListEntryProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.IntIntListEntryProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.key = reader.int64();
            break;
          }
          case 2: {
            if (!(message.value && message.value.length)) message.value = [];
            if ((tag & 7) === 2) {
              let end2 = reader.uint32() + reader.pos;
              if (end2 > reader.len) throw RangeError("index out of range");
              reader.len = end2;
              while (reader.pos < end2) message.value.push(reader.int64());
              if (reader.pos !== end2) throw RangeError("index out of range");
              reader.len = end;
            } else message.value.push(reader.int64());
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    return IntIntListEntryProto;
  })();

  onnx.NodeDeviceConfigurationProto = (function () {
    function NodeDeviceConfigurationProto(properties) {
      this.sharding_spec = [];
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    NodeDeviceConfigurationProto.prototype.configuration_id = "";
    NodeDeviceConfigurationProto.prototype.sharding_spec = $util.emptyArray;
    NodeDeviceConfigurationProto.prototype.pipeline_stage = 0;

    NodeDeviceConfigurationProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (
        message.configuration_id != null &&
        Object.hasOwnProperty.call(message, "configuration_id")
      )
        writer.uint32(10).string(message.configuration_id);
      if (message.sharding_spec != null && message.sharding_spec.length)
        for (let i = 0; i < message.sharding_spec.length; ++i)
          $root.onnx.ShardingSpecProto.encode(
            message.sharding_spec[i],
            writer.uint32(18).fork(),
            q + 1,
          ).ldelim();
      if (message.pipeline_stage != null && Object.hasOwnProperty.call(message, "pipeline_stage"))
        writer.uint32(24).int32(message.pipeline_stage);
      return writer;
    };

    NodeDeviceConfigurationProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.NodeDeviceConfigurationProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.configuration_id = reader.string();
            break;
          }
          case 2: {
            if (!(message.sharding_spec && message.sharding_spec.length))
              message.sharding_spec = [];
            message.sharding_spec.push(
              $root.onnx.ShardingSpecProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 3: {
            message.pipeline_stage = reader.int32();
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    return NodeDeviceConfigurationProto;
  })();

  onnx.ShardingSpecProto = (function () {
    function ShardingSpecProto(properties) {
      this.device = [];
      this.index_to_device_group_map = [];
      this.sharded_dim = [];
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    ShardingSpecProto.prototype.tensor_name = "";
    ShardingSpecProto.prototype.device = $util.emptyArray;
    ShardingSpecProto.prototype.index_to_device_group_map = $util.emptyArray;
    ShardingSpecProto.prototype.sharded_dim = $util.emptyArray;

    ShardingSpecProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.tensor_name != null && Object.hasOwnProperty.call(message, "tensor_name"))
        writer.uint32(10).string(message.tensor_name);
      if (message.device != null && message.device.length) {
        writer.uint32(18).fork();
        for (let i = 0; i < message.device.length; ++i) writer.int64(message.device[i]);
        writer.ldelim();
      }
      if (message.index_to_device_group_map != null && message.index_to_device_group_map.length)
        for (let i = 0; i < message.index_to_device_group_map.length; ++i)
          $root.onnx.IntIntListEntryProto.encode(
            message.index_to_device_group_map[i],
            writer.uint32(26).fork(),
            q + 1,
          ).ldelim();
      if (message.sharded_dim != null && message.sharded_dim.length)
        for (let i = 0; i < message.sharded_dim.length; ++i)
          $root.onnx.ShardedDimProto.encode(
            message.sharded_dim[i],
            writer.uint32(34).fork(),
            q + 1,
          ).ldelim();
      return writer;
    };

    ShardingSpecProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.ShardingSpecProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.tensor_name = reader.string();
            break;
          }
          case 2: {
            if (!(message.device && message.device.length)) message.device = [];
            if ((tag & 7) === 2) {
              let end2 = reader.uint32() + reader.pos;
              if (end2 > reader.len) throw RangeError("index out of range");
              reader.len = end2;
              while (reader.pos < end2) message.device.push(reader.int64());
              if (reader.pos !== end2) throw RangeError("index out of range");
              reader.len = end;
            } else message.device.push(reader.int64());
            break;
          }
          case 3: {
            if (!(message.index_to_device_group_map && message.index_to_device_group_map.length))
              message.index_to_device_group_map = [];
            message.index_to_device_group_map.push(
              $root.onnx.IntIntListEntryProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 4: {
            if (!(message.sharded_dim && message.sharded_dim.length)) message.sharded_dim = [];
            message.sharded_dim.push(
              $root.onnx.ShardedDimProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    return ShardingSpecProto;
  })();

  onnx.ShardedDimProto = (function () {
    function ShardedDimProto(properties) {
      this.simple_sharding = [];
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    ShardedDimProto.prototype.axis = $util.Long ? $util.Long.fromBits(0, 0, false) : 0;
    ShardedDimProto.prototype.simple_sharding = $util.emptyArray;

    ShardedDimProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.axis != null && Object.hasOwnProperty.call(message, "axis"))
        writer.uint32(8).int64(message.axis);
      if (message.simple_sharding != null && message.simple_sharding.length)
        for (let i = 0; i < message.simple_sharding.length; ++i)
          $root.onnx.SimpleShardedDimProto.encode(
            message.simple_sharding[i],
            writer.uint32(18).fork(),
            q + 1,
          ).ldelim();
      return writer;
    };

    ShardedDimProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.ShardedDimProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.axis = reader.int64();
            break;
          }
          case 2: {
            if (!(message.simple_sharding && message.simple_sharding.length))
              message.simple_sharding = [];
            message.simple_sharding.push(
              $root.onnx.SimpleShardedDimProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    return ShardedDimProto;
  })();

  onnx.SimpleShardedDimProto = (function () {
    function SimpleShardedDimProto(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    SimpleShardedDimProto.prototype.dim_value = null;
    SimpleShardedDimProto.prototype.dim_param = null;
    SimpleShardedDimProto.prototype.num_shards = $util.Long ? $util.Long.fromBits(0, 0, false) : 0;

    let $oneOfFields;

    Object.defineProperty(SimpleShardedDimProto.prototype, "dim", {
      get: $util.oneOfGetter(($oneOfFields = ["dim_value", "dim_param"])),
      set: $util.oneOfSetter($oneOfFields),
    });

    SimpleShardedDimProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.dim_value != null && Object.hasOwnProperty.call(message, "dim_value"))
        writer.uint32(8).int64(message.dim_value);
      if (message.dim_param != null && Object.hasOwnProperty.call(message, "dim_param"))
        writer.uint32(18).string(message.dim_param);
      if (message.num_shards != null && Object.hasOwnProperty.call(message, "num_shards"))
        writer.uint32(24).int64(message.num_shards);
      return writer;
    };

    SimpleShardedDimProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.SimpleShardedDimProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.dim_value = reader.int64();
            break;
          }
          case 2: {
            message.dim_param = reader.string();
            break;
          }
          case 3: {
            message.num_shards = reader.int64();
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    return SimpleShardedDimProto;
  })();

  onnx.TrainingInfoProto = (function () {
    function TrainingInfoProto(properties) {
      this.initialization_binding = [];
      this.update_binding = [];
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    TrainingInfoProto.prototype.initialization = null;
    TrainingInfoProto.prototype.algorithm = null;
    TrainingInfoProto.prototype.initialization_binding = $util.emptyArray;
    TrainingInfoProto.prototype.update_binding = $util.emptyArray;

    TrainingInfoProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.initialization != null && Object.hasOwnProperty.call(message, "initialization"))
        $root.onnx.GraphProto.encode(
          message.initialization,
          writer.uint32(10).fork(),
          q + 1,
        ).ldelim();
      if (message.algorithm != null && Object.hasOwnProperty.call(message, "algorithm"))
        $root.onnx.GraphProto.encode(message.algorithm, writer.uint32(18).fork(), q + 1).ldelim();
      if (message.initialization_binding != null && message.initialization_binding.length)
        for (let i = 0; i < message.initialization_binding.length; ++i)
          $root.onnx.StringStringEntryProto.encode(
            message.initialization_binding[i],
            writer.uint32(26).fork(),
            q + 1,
          ).ldelim();
      if (message.update_binding != null && message.update_binding.length)
        for (let i = 0; i < message.update_binding.length; ++i)
          $root.onnx.StringStringEntryProto.encode(
            message.update_binding[i],
            writer.uint32(34).fork(),
            q + 1,
          ).ldelim();
      return writer;
    };

    TrainingInfoProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.TrainingInfoProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.initialization = $root.onnx.GraphProto.decode(
              reader,
              reader.uint32(),
              undefined,
              long + 1,
            );
            break;
          }
          case 2: {
            message.algorithm = $root.onnx.GraphProto.decode(
              reader,
              reader.uint32(),
              undefined,
              long + 1,
            );
            break;
          }
          case 3: {
            if (!(message.initialization_binding && message.initialization_binding.length))
              message.initialization_binding = [];
            message.initialization_binding.push(
              $root.onnx.StringStringEntryProto.decode(
                reader,
                reader.uint32(),
                undefined,
                long + 1,
              ),
            );
            break;
          }
          case 4: {
            if (!(message.update_binding && message.update_binding.length))
              message.update_binding = [];
            message.update_binding.push(
              $root.onnx.StringStringEntryProto.decode(
                reader,
                reader.uint32(),
                undefined,
                long + 1,
              ),
            );
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    return TrainingInfoProto;
  })();

  onnx.ModelProto = (function () {
    function ModelProto(properties) {
      this.opset_import = [];
      this.metadata_props = [];
      this.training_info = [];
      this.functions = [];
      this.configuration = [];
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    ModelProto.prototype.ir_version = $util.Long ? $util.Long.fromBits(0, 0, false) : 0;
    ModelProto.prototype.opset_import = $util.emptyArray;
    ModelProto.prototype.producer_name = "";
    ModelProto.prototype.producer_version = "";
    ModelProto.prototype.domain = "";
    ModelProto.prototype.model_version = $util.Long ? $util.Long.fromBits(0, 0, false) : 0;
    ModelProto.prototype.doc_string = "";
    ModelProto.prototype.graph = null;
    ModelProto.prototype.metadata_props = $util.emptyArray;
    ModelProto.prototype.training_info = $util.emptyArray;
    ModelProto.prototype.functions = $util.emptyArray;
    ModelProto.prototype.configuration = $util.emptyArray;

    ModelProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.ir_version != null && Object.hasOwnProperty.call(message, "ir_version"))
        writer.uint32(8).int64(message.ir_version);
      if (message.producer_name != null && Object.hasOwnProperty.call(message, "producer_name"))
        writer.uint32(18).string(message.producer_name);
      if (
        message.producer_version != null &&
        Object.hasOwnProperty.call(message, "producer_version")
      )
        writer.uint32(26).string(message.producer_version);
      if (message.domain != null && Object.hasOwnProperty.call(message, "domain"))
        writer.uint32(34).string(message.domain);
      if (message.model_version != null && Object.hasOwnProperty.call(message, "model_version"))
        writer.uint32(40).int64(message.model_version);
      if (message.doc_string != null && Object.hasOwnProperty.call(message, "doc_string"))
        writer.uint32(50).string(message.doc_string);
      if (message.graph != null && Object.hasOwnProperty.call(message, "graph"))
        $root.onnx.GraphProto.encode(message.graph, writer.uint32(58).fork(), q + 1).ldelim();
      if (message.opset_import != null && message.opset_import.length)
        for (let i = 0; i < message.opset_import.length; ++i)
          $root.onnx.OperatorSetIdProto.encode(
            message.opset_import[i],
            writer.uint32(66).fork(),
            q + 1,
          ).ldelim();
      if (message.metadata_props != null && message.metadata_props.length)
        for (let i = 0; i < message.metadata_props.length; ++i)
          $root.onnx.StringStringEntryProto.encode(
            message.metadata_props[i],
            writer.uint32(114).fork(),
            q + 1,
          ).ldelim();
      if (message.training_info != null && message.training_info.length)
        for (let i = 0; i < message.training_info.length; ++i)
          $root.onnx.TrainingInfoProto.encode(
            message.training_info[i],
            writer.uint32(162).fork(),
            q + 1,
          ).ldelim();
      if (message.functions != null && message.functions.length)
        for (let i = 0; i < message.functions.length; ++i)
          $root.onnx.FunctionProto.encode(
            message.functions[i],
            writer.uint32(202).fork(),
            q + 1,
          ).ldelim();
      if (message.configuration != null && message.configuration.length)
        for (let i = 0; i < message.configuration.length; ++i)
          $root.onnx.DeviceConfigurationProto.encode(
            message.configuration[i],
            writer.uint32(210).fork(),
            q + 1,
          ).ldelim();
      return writer;
    };

    ModelProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.ModelProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.ir_version = reader.int64();
            break;
          }
          case 8: {
            if (!(message.opset_import && message.opset_import.length)) message.opset_import = [];
            message.opset_import.push(
              $root.onnx.OperatorSetIdProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 2: {
            message.producer_name = reader.string();
            break;
          }
          case 3: {
            message.producer_version = reader.string();
            break;
          }
          case 4: {
            message.domain = reader.string();
            break;
          }
          case 5: {
            message.model_version = reader.int64();
            break;
          }
          case 6: {
            message.doc_string = reader.string();
            break;
          }
          case 7: {
            message.graph = $root.onnx.GraphProto.decode(
              reader,
              reader.uint32(),
              undefined,
              long + 1,
            );
            break;
          }
          case 14: {
            if (!(message.metadata_props && message.metadata_props.length))
              message.metadata_props = [];
            message.metadata_props.push(
              $root.onnx.StringStringEntryProto.decode(
                reader,
                reader.uint32(),
                undefined,
                long + 1,
              ),
            );
            break;
          }
          case 20: {
            if (!(message.training_info && message.training_info.length))
              message.training_info = [];
            message.training_info.push(
              $root.onnx.TrainingInfoProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 25: {
            if (!(message.functions && message.functions.length)) message.functions = [];
            message.functions.push(
              $root.onnx.FunctionProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 26: {
            if (!(message.configuration && message.configuration.length))
              message.configuration = [];
            message.configuration.push(
              $root.onnx.DeviceConfigurationProto.decode(
                reader,
                reader.uint32(),
                undefined,
                long + 1,
              ),
            );
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    return ModelProto;
  })();

  onnx.DeviceConfigurationProto = (function () {
    function DeviceConfigurationProto(properties) {
      this.device = [];
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    DeviceConfigurationProto.prototype.name = "";
    DeviceConfigurationProto.prototype.num_devices = 0;
    DeviceConfigurationProto.prototype.device = $util.emptyArray;

    DeviceConfigurationProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.name != null && Object.hasOwnProperty.call(message, "name"))
        writer.uint32(10).string(message.name);
      if (message.num_devices != null && Object.hasOwnProperty.call(message, "num_devices"))
        writer.uint32(16).int32(message.num_devices);
      if (message.device != null && message.device.length)
        for (let i = 0; i < message.device.length; ++i) writer.uint32(26).string(message.device[i]);
      return writer;
    };

    DeviceConfigurationProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.DeviceConfigurationProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.name = reader.string();
            break;
          }
          case 2: {
            message.num_devices = reader.int32();
            break;
          }
          case 3: {
            if (!(message.device && message.device.length)) message.device = [];
            message.device.push(reader.string());
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    return DeviceConfigurationProto;
  })();

  onnx.StringStringEntryProto = (function () {
    function StringStringEntryProto(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    StringStringEntryProto.prototype.key = "";
    StringStringEntryProto.prototype.value = "";

    StringStringEntryProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.key != null && Object.hasOwnProperty.call(message, "key"))
        writer.uint32(10).string(message.key);
      if (message.value != null && Object.hasOwnProperty.call(message, "value"))
        writer.uint32(18).string(message.value);
      return writer;
    };

    StringStringEntryProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.StringStringEntryProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.key = reader.string();
            break;
          }
          case 2: {
            message.value = reader.string();
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    return StringStringEntryProto;
  })();

  onnx.TensorAnnotation = (function () {
    function TensorAnnotation(properties) {
      this.quant_parameter_tensor_names = [];
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    TensorAnnotation.prototype.tensor_name = "";
    TensorAnnotation.prototype.quant_parameter_tensor_names = $util.emptyArray;

    TensorAnnotation.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.tensor_name != null && Object.hasOwnProperty.call(message, "tensor_name"))
        writer.uint32(10).string(message.tensor_name);
      if (
        message.quant_parameter_tensor_names != null &&
        message.quant_parameter_tensor_names.length
      )
        for (let i = 0; i < message.quant_parameter_tensor_names.length; ++i)
          $root.onnx.StringStringEntryProto.encode(
            message.quant_parameter_tensor_names[i],
            writer.uint32(18).fork(),
            q + 1,
          ).ldelim();
      return writer;
    };

    TensorAnnotation.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.TensorAnnotation();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.tensor_name = reader.string();
            break;
          }
          case 2: {
            if (!(
              message.quant_parameter_tensor_names && message.quant_parameter_tensor_names.length
            ))
              message.quant_parameter_tensor_names = [];
            message.quant_parameter_tensor_names.push(
              $root.onnx.StringStringEntryProto.decode(
                reader,
                reader.uint32(),
                undefined,
                long + 1,
              ),
            );
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    return TensorAnnotation;
  })();

  onnx.GraphProto = (function () {
    function GraphProto(properties) {
      this.node = [];
      this.initializer = [];
      this.sparse_initializer = [];
      this.input = [];
      this.output = [];
      this.value_info = [];
      this.quantization_annotation = [];
      this.metadata_props = [];
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    GraphProto.prototype.node = $util.emptyArray;
    GraphProto.prototype.name = "";
    GraphProto.prototype.initializer = $util.emptyArray;
    GraphProto.prototype.sparse_initializer = $util.emptyArray;
    GraphProto.prototype.doc_string = "";
    GraphProto.prototype.input = $util.emptyArray;
    GraphProto.prototype.output = $util.emptyArray;
    GraphProto.prototype.value_info = $util.emptyArray;
    GraphProto.prototype.quantization_annotation = $util.emptyArray;
    GraphProto.prototype.metadata_props = $util.emptyArray;

    GraphProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.node != null && message.node.length)
        for (let i = 0; i < message.node.length; ++i)
          $root.onnx.NodeProto.encode(message.node[i], writer.uint32(10).fork(), q + 1).ldelim();
      if (message.name != null && Object.hasOwnProperty.call(message, "name"))
        writer.uint32(18).string(message.name);
      if (message.initializer != null && message.initializer.length)
        for (let i = 0; i < message.initializer.length; ++i)
          $root.onnx.TensorProto.encode(
            message.initializer[i],
            writer.uint32(42).fork(),
            q + 1,
          ).ldelim();
      if (message.doc_string != null && Object.hasOwnProperty.call(message, "doc_string"))
        writer.uint32(82).string(message.doc_string);
      if (message.input != null && message.input.length)
        for (let i = 0; i < message.input.length; ++i)
          $root.onnx.ValueInfoProto.encode(
            message.input[i],
            writer.uint32(90).fork(),
            q + 1,
          ).ldelim();
      if (message.output != null && message.output.length)
        for (let i = 0; i < message.output.length; ++i)
          $root.onnx.ValueInfoProto.encode(
            message.output[i],
            writer.uint32(98).fork(),
            q + 1,
          ).ldelim();
      if (message.value_info != null && message.value_info.length)
        for (let i = 0; i < message.value_info.length; ++i)
          $root.onnx.ValueInfoProto.encode(
            message.value_info[i],
            writer.uint32(106).fork(),
            q + 1,
          ).ldelim();
      if (message.quantization_annotation != null && message.quantization_annotation.length)
        for (let i = 0; i < message.quantization_annotation.length; ++i)
          $root.onnx.TensorAnnotation.encode(
            message.quantization_annotation[i],
            writer.uint32(114).fork(),
            q + 1,
          ).ldelim();
      if (message.sparse_initializer != null && message.sparse_initializer.length)
        for (let i = 0; i < message.sparse_initializer.length; ++i)
          $root.onnx.SparseTensorProto.encode(
            message.sparse_initializer[i],
            writer.uint32(122).fork(),
            q + 1,
          ).ldelim();
      if (message.metadata_props != null && message.metadata_props.length)
        for (let i = 0; i < message.metadata_props.length; ++i)
          $root.onnx.StringStringEntryProto.encode(
            message.metadata_props[i],
            writer.uint32(130).fork(),
            q + 1,
          ).ldelim();
      return writer;
    };

    GraphProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.GraphProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            if (!(message.node && message.node.length)) message.node = [];
            message.node.push(
              $root.onnx.NodeProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 2: {
            message.name = reader.string();
            break;
          }
          case 5: {
            if (!(message.initializer && message.initializer.length)) message.initializer = [];
            message.initializer.push(
              $root.onnx.TensorProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 15: {
            if (!(message.sparse_initializer && message.sparse_initializer.length))
              message.sparse_initializer = [];
            message.sparse_initializer.push(
              $root.onnx.SparseTensorProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 10: {
            message.doc_string = reader.string();
            break;
          }
          case 11: {
            if (!(message.input && message.input.length)) message.input = [];
            message.input.push(
              $root.onnx.ValueInfoProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 12: {
            if (!(message.output && message.output.length)) message.output = [];
            message.output.push(
              $root.onnx.ValueInfoProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 13: {
            if (!(message.value_info && message.value_info.length)) message.value_info = [];
            message.value_info.push(
              $root.onnx.ValueInfoProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 14: {
            if (!(message.quantization_annotation && message.quantization_annotation.length))
              message.quantization_annotation = [];
            message.quantization_annotation.push(
              $root.onnx.TensorAnnotation.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 16: {
            if (!(message.metadata_props && message.metadata_props.length))
              message.metadata_props = [];
            message.metadata_props.push(
              $root.onnx.StringStringEntryProto.decode(
                reader,
                reader.uint32(),
                undefined,
                long + 1,
              ),
            );
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    return GraphProto;
  })();

  onnx.TensorProto = (function () {
    function TensorProto(properties) {
      this.dims = [];
      this.float_data = [];
      this.int32_data = [];
      this.string_data = [];
      this.int64_data = [];
      this.external_data = [];
      this.double_data = [];
      this.uint64_data = [];
      this.metadata_props = [];
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    TensorProto.prototype.dims = $util.emptyArray;
    TensorProto.prototype.data_type = 0;
    TensorProto.prototype.segment = null;
    TensorProto.prototype.float_data = $util.emptyArray;
    TensorProto.prototype.int32_data = $util.emptyArray;
    TensorProto.prototype.string_data = $util.emptyArray;
    TensorProto.prototype.int64_data = $util.emptyArray;
    TensorProto.prototype.name = "";
    TensorProto.prototype.doc_string = "";
    TensorProto.prototype.raw_data = $util.newBuffer([]);
    TensorProto.prototype.external_data = $util.emptyArray;
    TensorProto.prototype.data_location = 0;
    TensorProto.prototype.double_data = $util.emptyArray;
    TensorProto.prototype.uint64_data = $util.emptyArray;
    TensorProto.prototype.metadata_props = $util.emptyArray;

    TensorProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.dims != null && message.dims.length) {
        writer.uint32(10).fork();
        for (let i = 0; i < message.dims.length; ++i) writer.int64(message.dims[i]);
        writer.ldelim();
      }
      if (message.data_type != null && Object.hasOwnProperty.call(message, "data_type"))
        writer.uint32(16).int32(message.data_type);
      if (message.segment != null && Object.hasOwnProperty.call(message, "segment"))
        $root.onnx.TensorProto.Segment.encode(
          message.segment,
          writer.uint32(26).fork(),
          q + 1,
        ).ldelim();
      if (message.float_data != null && message.float_data.length) {
        writer.uint32(34).fork();
        for (let i = 0; i < message.float_data.length; ++i) writer.float(message.float_data[i]);
        writer.ldelim();
      }
      if (message.int32_data != null && message.int32_data.length) {
        writer.uint32(42).fork();
        for (let i = 0; i < message.int32_data.length; ++i) writer.int32(message.int32_data[i]);
        writer.ldelim();
      }
      if (message.string_data != null && message.string_data.length)
        for (let i = 0; i < message.string_data.length; ++i)
          writer.uint32(50).bytes(message.string_data[i]);
      if (message.int64_data != null && message.int64_data.length) {
        writer.uint32(58).fork();
        for (let i = 0; i < message.int64_data.length; ++i) writer.int64(message.int64_data[i]);
        writer.ldelim();
      }
      if (message.name != null && Object.hasOwnProperty.call(message, "name"))
        writer.uint32(66).string(message.name);
      if (message.raw_data != null && Object.hasOwnProperty.call(message, "raw_data"))
        writer.uint32(74).bytes(message.raw_data);
      if (message.double_data != null && message.double_data.length) {
        writer.uint32(82).fork();
        for (let i = 0; i < message.double_data.length; ++i) writer.double(message.double_data[i]);
        writer.ldelim();
      }
      if (message.uint64_data != null && message.uint64_data.length) {
        writer.uint32(90).fork();
        for (let i = 0; i < message.uint64_data.length; ++i) writer.uint64(message.uint64_data[i]);
        writer.ldelim();
      }
      if (message.doc_string != null && Object.hasOwnProperty.call(message, "doc_string"))
        writer.uint32(98).string(message.doc_string);
      if (message.external_data != null && message.external_data.length)
        for (let i = 0; i < message.external_data.length; ++i)
          $root.onnx.StringStringEntryProto.encode(
            message.external_data[i],
            writer.uint32(106).fork(),
            q + 1,
          ).ldelim();
      if (message.data_location != null && Object.hasOwnProperty.call(message, "data_location"))
        writer.uint32(112).int32(message.data_location);
      if (message.metadata_props != null && message.metadata_props.length)
        for (let i = 0; i < message.metadata_props.length; ++i)
          $root.onnx.StringStringEntryProto.encode(
            message.metadata_props[i],
            writer.uint32(130).fork(),
            q + 1,
          ).ldelim();
      return writer;
    };

    TensorProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.TensorProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            if (!(message.dims && message.dims.length)) message.dims = [];
            if ((tag & 7) === 2) {
              let end2 = reader.uint32() + reader.pos;
              if (end2 > reader.len) throw RangeError("index out of range");
              reader.len = end2;
              while (reader.pos < end2) message.dims.push(reader.int64());
              if (reader.pos !== end2) throw RangeError("index out of range");
              reader.len = end;
            } else message.dims.push(reader.int64());
            break;
          }
          case 2: {
            message.data_type = reader.int32();
            break;
          }
          case 3: {
            message.segment = $root.onnx.TensorProto.Segment.decode(
              reader,
              reader.uint32(),
              undefined,
              long + 1,
            );
            break;
          }
          case 4: {
            if (!(message.float_data && message.float_data.length)) message.float_data = [];
            if ((tag & 7) === 2) {
              let end2 = reader.uint32() + reader.pos;
              if (end2 > reader.len) throw RangeError("index out of range");
              reader.len = end2;
              while (reader.pos < end2) message.float_data.push(reader.float());
              if (reader.pos !== end2) throw RangeError("index out of range");
              reader.len = end;
            } else message.float_data.push(reader.float());
            break;
          }
          case 5: {
            if (!(message.int32_data && message.int32_data.length)) message.int32_data = [];
            if ((tag & 7) === 2) {
              let end2 = reader.uint32() + reader.pos;
              if (end2 > reader.len) throw RangeError("index out of range");
              reader.len = end2;
              while (reader.pos < end2) message.int32_data.push(reader.int32());
              if (reader.pos !== end2) throw RangeError("index out of range");
              reader.len = end;
            } else message.int32_data.push(reader.int32());
            break;
          }
          case 6: {
            if (!(message.string_data && message.string_data.length)) message.string_data = [];
            message.string_data.push(reader.bytes());
            break;
          }
          case 7: {
            if (!(message.int64_data && message.int64_data.length)) message.int64_data = [];
            if ((tag & 7) === 2) {
              let end2 = reader.uint32() + reader.pos;
              if (end2 > reader.len) throw RangeError("index out of range");
              reader.len = end2;
              while (reader.pos < end2) message.int64_data.push(reader.int64());
              if (reader.pos !== end2) throw RangeError("index out of range");
              reader.len = end;
            } else message.int64_data.push(reader.int64());
            break;
          }
          case 8: {
            message.name = reader.string();
            break;
          }
          case 12: {
            message.doc_string = reader.string();
            break;
          }
          case 9: {
            message.raw_data = reader.bytes();
            break;
          }
          case 13: {
            if (!(message.external_data && message.external_data.length))
              message.external_data = [];
            message.external_data.push(
              $root.onnx.StringStringEntryProto.decode(
                reader,
                reader.uint32(),
                undefined,
                long + 1,
              ),
            );
            break;
          }
          case 14: {
            message.data_location = reader.int32();
            break;
          }
          case 10: {
            if (!(message.double_data && message.double_data.length)) message.double_data = [];
            if ((tag & 7) === 2) {
              let end2 = reader.uint32() + reader.pos;
              if (end2 > reader.len) throw RangeError("index out of range");
              reader.len = end2;
              while (reader.pos < end2) message.double_data.push(reader.double());
              if (reader.pos !== end2) throw RangeError("index out of range");
              reader.len = end;
            } else message.double_data.push(reader.double());
            break;
          }
          case 11: {
            if (!(message.uint64_data && message.uint64_data.length)) message.uint64_data = [];
            if ((tag & 7) === 2) {
              let end2 = reader.uint32() + reader.pos;
              if (end2 > reader.len) throw RangeError("index out of range");
              reader.len = end2;
              while (reader.pos < end2) message.uint64_data.push(reader.uint64());
              if (reader.pos !== end2) throw RangeError("index out of range");
              reader.len = end;
            } else message.uint64_data.push(reader.uint64());
            break;
          }
          case 16: {
            if (!(message.metadata_props && message.metadata_props.length))
              message.metadata_props = [];
            message.metadata_props.push(
              $root.onnx.StringStringEntryProto.decode(
                reader,
                reader.uint32(),
                undefined,
                long + 1,
              ),
            );
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    TensorProto.DataType = (function () {
      const valuesById = {},
        values = Object.create(valuesById);
      values[(valuesById[0] = "UNDEFINED")] = 0;
      values[(valuesById[1] = "FLOAT")] = 1;
      values[(valuesById[2] = "UINT8")] = 2;
      values[(valuesById[3] = "INT8")] = 3;
      values[(valuesById[4] = "UINT16")] = 4;
      values[(valuesById[5] = "INT16")] = 5;
      values[(valuesById[6] = "INT32")] = 6;
      values[(valuesById[7] = "INT64")] = 7;
      values[(valuesById[8] = "STRING")] = 8;
      values[(valuesById[9] = "BOOL")] = 9;
      values[(valuesById[10] = "FLOAT16")] = 10;
      values[(valuesById[11] = "DOUBLE")] = 11;
      values[(valuesById[12] = "UINT32")] = 12;
      values[(valuesById[13] = "UINT64")] = 13;
      values[(valuesById[14] = "COMPLEX64")] = 14;
      values[(valuesById[15] = "COMPLEX128")] = 15;
      values[(valuesById[16] = "BFLOAT16")] = 16;
      values[(valuesById[17] = "FLOAT8E4M3FN")] = 17;
      values[(valuesById[18] = "FLOAT8E4M3FNUZ")] = 18;
      values[(valuesById[19] = "FLOAT8E5M2")] = 19;
      values[(valuesById[20] = "FLOAT8E5M2FNUZ")] = 20;
      values[(valuesById[21] = "UINT4")] = 21;
      values[(valuesById[22] = "INT4")] = 22;
      values[(valuesById[23] = "FLOAT4E2M1")] = 23;
      values[(valuesById[24] = "FLOAT8E8M0")] = 24;
      values[(valuesById[25] = "UINT2")] = 25;
      values[(valuesById[26] = "INT2")] = 26;
      return values;
    })();

    TensorProto.Segment = (function () {
      function Segment(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      }

      Segment.prototype.begin = $util.Long ? $util.Long.fromBits(0, 0, false) : 0;
      Segment.prototype.end = $util.Long ? $util.Long.fromBits(0, 0, false) : 0;

      Segment.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error("max depth exceeded");
        if (message.begin != null && Object.hasOwnProperty.call(message, "begin"))
          writer.uint32(8).int64(message.begin);
        if (message.end != null && Object.hasOwnProperty.call(message, "end"))
          writer.uint32(16).int64(message.end);
        return writer;
      };

      Segment.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = new $root.onnx.TensorProto.Segment();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.begin = reader.int64();
              break;
            }
            case 2: {
              message.end = reader.int64();
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError("index out of range");
          reader.len = length;
        }
        return message;
      };

      return Segment;
    })();

    TensorProto.DataLocation = (function () {
      const valuesById = {},
        values = Object.create(valuesById);
      values[(valuesById[0] = "DEFAULT")] = 0;
      values[(valuesById[1] = "EXTERNAL")] = 1;
      return values;
    })();

    return TensorProto;
  })();

  onnx.SparseTensorProto = (function () {
    function SparseTensorProto(properties) {
      this.dims = [];
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    SparseTensorProto.prototype.values = null;
    SparseTensorProto.prototype.indices = null;
    SparseTensorProto.prototype.dims = $util.emptyArray;

    SparseTensorProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.values != null && Object.hasOwnProperty.call(message, "values"))
        $root.onnx.TensorProto.encode(message.values, writer.uint32(10).fork(), q + 1).ldelim();
      if (message.indices != null && Object.hasOwnProperty.call(message, "indices"))
        $root.onnx.TensorProto.encode(message.indices, writer.uint32(18).fork(), q + 1).ldelim();
      if (message.dims != null && message.dims.length) {
        writer.uint32(26).fork();
        for (let i = 0; i < message.dims.length; ++i) writer.int64(message.dims[i]);
        writer.ldelim();
      }
      return writer;
    };

    SparseTensorProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.SparseTensorProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.values = $root.onnx.TensorProto.decode(
              reader,
              reader.uint32(),
              undefined,
              long + 1,
            );
            break;
          }
          case 2: {
            message.indices = $root.onnx.TensorProto.decode(
              reader,
              reader.uint32(),
              undefined,
              long + 1,
            );
            break;
          }
          case 3: {
            if (!(message.dims && message.dims.length)) message.dims = [];
            if ((tag & 7) === 2) {
              let end2 = reader.uint32() + reader.pos;
              if (end2 > reader.len) throw RangeError("index out of range");
              reader.len = end2;
              while (reader.pos < end2) message.dims.push(reader.int64());
              if (reader.pos !== end2) throw RangeError("index out of range");
              reader.len = end;
            } else message.dims.push(reader.int64());
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    return SparseTensorProto;
  })();

  onnx.TensorShapeProto = (function () {
    function TensorShapeProto(properties) {
      this.dim = [];
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    TensorShapeProto.prototype.dim = $util.emptyArray;

    TensorShapeProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.dim != null && message.dim.length)
        for (let i = 0; i < message.dim.length; ++i)
          $root.onnx.TensorShapeProto.Dimension.encode(
            message.dim[i],
            writer.uint32(10).fork(),
            q + 1,
          ).ldelim();
      return writer;
    };

    TensorShapeProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.TensorShapeProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            if (!(message.dim && message.dim.length)) message.dim = [];
            message.dim.push(
              $root.onnx.TensorShapeProto.Dimension.decode(
                reader,
                reader.uint32(),
                undefined,
                long + 1,
              ),
            );
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    TensorShapeProto.Dimension = (function () {
      function Dimension(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      }

      Dimension.prototype.dim_value = null;
      Dimension.prototype.dim_param = null;
      Dimension.prototype.denotation = "";

      let $oneOfFields;

      Object.defineProperty(Dimension.prototype, "value", {
        get: $util.oneOfGetter(($oneOfFields = ["dim_value", "dim_param"])),
        set: $util.oneOfSetter($oneOfFields),
      });

      Dimension.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error("max depth exceeded");
        if (message.dim_value != null && Object.hasOwnProperty.call(message, "dim_value"))
          writer.uint32(8).int64(message.dim_value);
        if (message.dim_param != null && Object.hasOwnProperty.call(message, "dim_param"))
          writer.uint32(18).string(message.dim_param);
        if (message.denotation != null && Object.hasOwnProperty.call(message, "denotation"))
          writer.uint32(26).string(message.denotation);
        return writer;
      };

      Dimension.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = new $root.onnx.TensorShapeProto.Dimension();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.dim_value = reader.int64();
              break;
            }
            case 2: {
              message.dim_param = reader.string();
              break;
            }
            case 3: {
              message.denotation = reader.string();
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError("index out of range");
          reader.len = length;
        }
        return message;
      };

      return Dimension;
    })();

    return TensorShapeProto;
  })();

  onnx.TypeProto = (function () {
    function TypeProto(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    TypeProto.prototype.tensor_type = null;
    TypeProto.prototype.sequence_type = null;
    TypeProto.prototype.map_type = null;
    TypeProto.prototype.optional_type = null;
    TypeProto.prototype.sparse_tensor_type = null;
    TypeProto.prototype.opaque_type = null;
    TypeProto.prototype.denotation = "";

    let $oneOfFields;

    Object.defineProperty(TypeProto.prototype, "value", {
      get: $util.oneOfGetter(
        ($oneOfFields = [
          "tensor_type",
          "sequence_type",
          "map_type",
          "optional_type",
          "sparse_tensor_type",
          "opaque_type",
        ]),
      ),
      set: $util.oneOfSetter($oneOfFields),
    });

    TypeProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.tensor_type != null && Object.hasOwnProperty.call(message, "tensor_type"))
        $root.onnx.TypeProto.Tensor.encode(
          message.tensor_type,
          writer.uint32(10).fork(),
          q + 1,
        ).ldelim();
      if (message.sequence_type != null && Object.hasOwnProperty.call(message, "sequence_type"))
        $root.onnx.TypeProto.Sequence.encode(
          message.sequence_type,
          writer.uint32(34).fork(),
          q + 1,
        ).ldelim();
      if (message.map_type != null && Object.hasOwnProperty.call(message, "map_type"))
        $root.onnx.TypeProto.Map.encode(message.map_type, writer.uint32(42).fork(), q + 1).ldelim();
      if (message.denotation != null && Object.hasOwnProperty.call(message, "denotation"))
        writer.uint32(50).string(message.denotation);
      if (message.opaque_type != null && Object.hasOwnProperty.call(message, "opaque_type"))
        $root.onnx.TypeProto.Opaque.encode(
          message.opaque_type,
          writer.uint32(58).fork(),
          q + 1,
        ).ldelim();
      if (
        message.sparse_tensor_type != null &&
        Object.hasOwnProperty.call(message, "sparse_tensor_type")
      )
        $root.onnx.TypeProto.SparseTensor.encode(
          message.sparse_tensor_type,
          writer.uint32(66).fork(),
          q + 1,
        ).ldelim();
      if (message.optional_type != null && Object.hasOwnProperty.call(message, "optional_type"))
        $root.onnx.TypeProto.Optional.encode(
          message.optional_type,
          writer.uint32(74).fork(),
          q + 1,
        ).ldelim();
      return writer;
    };

    TypeProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.TypeProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.tensor_type = $root.onnx.TypeProto.Tensor.decode(
              reader,
              reader.uint32(),
              undefined,
              long + 1,
            );
            break;
          }
          case 4: {
            message.sequence_type = $root.onnx.TypeProto.Sequence.decode(
              reader,
              reader.uint32(),
              undefined,
              long + 1,
            );
            break;
          }
          case 5: {
            message.map_type = $root.onnx.TypeProto.Map.decode(
              reader,
              reader.uint32(),
              undefined,
              long + 1,
            );
            break;
          }
          case 9: {
            message.optional_type = $root.onnx.TypeProto.Optional.decode(
              reader,
              reader.uint32(),
              undefined,
              long + 1,
            );
            break;
          }
          case 8: {
            message.sparse_tensor_type = $root.onnx.TypeProto.SparseTensor.decode(
              reader,
              reader.uint32(),
              undefined,
              long + 1,
            );
            break;
          }
          case 7: {
            message.opaque_type = $root.onnx.TypeProto.Opaque.decode(
              reader,
              reader.uint32(),
              undefined,
              long + 1,
            );
            break;
          }
          case 6: {
            message.denotation = reader.string();
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    TypeProto.Tensor = (function () {
      function Tensor(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      }

      Tensor.prototype.elem_type = 0;
      Tensor.prototype.shape = null;

      Tensor.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error("max depth exceeded");
        if (message.elem_type != null && Object.hasOwnProperty.call(message, "elem_type"))
          writer.uint32(8).int32(message.elem_type);
        if (message.shape != null && Object.hasOwnProperty.call(message, "shape"))
          $root.onnx.TensorShapeProto.encode(
            message.shape,
            writer.uint32(18).fork(),
            q + 1,
          ).ldelim();
        return writer;
      };

      Tensor.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = new $root.onnx.TypeProto.Tensor();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.elem_type = reader.int32();
              break;
            }
            case 2: {
              message.shape = $root.onnx.TensorShapeProto.decode(
                reader,
                reader.uint32(),
                undefined,
                long + 1,
              );
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError("index out of range");
          reader.len = length;
        }
        return message;
      };

      return Tensor;
    })();

    TypeProto.Sequence = (function () {
      function Sequence(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      }

      Sequence.prototype.elem_type = null;

      Sequence.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error("max depth exceeded");
        if (message.elem_type != null && Object.hasOwnProperty.call(message, "elem_type"))
          $root.onnx.TypeProto.encode(message.elem_type, writer.uint32(10).fork(), q + 1).ldelim();
        return writer;
      };

      Sequence.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = new $root.onnx.TypeProto.Sequence();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.elem_type = $root.onnx.TypeProto.decode(
                reader,
                reader.uint32(),
                undefined,
                long + 1,
              );
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError("index out of range");
          reader.len = length;
        }
        return message;
      };

      return Sequence;
    })();

    TypeProto.Map = (function () {
      function Map(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      }

      Map.prototype.key_type = 0;
      Map.prototype.value_type = null;

      Map.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error("max depth exceeded");
        if (message.key_type != null && Object.hasOwnProperty.call(message, "key_type"))
          writer.uint32(8).int32(message.key_type);
        if (message.value_type != null && Object.hasOwnProperty.call(message, "value_type"))
          $root.onnx.TypeProto.encode(message.value_type, writer.uint32(18).fork(), q + 1).ldelim();
        return writer;
      };

      Map.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = new $root.onnx.TypeProto.Map();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.key_type = reader.int32();
              break;
            }
            case 2: {
              message.value_type = $root.onnx.TypeProto.decode(
                reader,
                reader.uint32(),
                undefined,
                long + 1,
              );
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError("index out of range");
          reader.len = length;
        }
        return message;
      };

      return Map;
    })();

    TypeProto.Optional = (function () {
      function Optional(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      }

      Optional.prototype.elem_type = null;

      Optional.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error("max depth exceeded");
        if (message.elem_type != null && Object.hasOwnProperty.call(message, "elem_type"))
          $root.onnx.TypeProto.encode(message.elem_type, writer.uint32(10).fork(), q + 1).ldelim();
        return writer;
      };

      Optional.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = new $root.onnx.TypeProto.Optional();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.elem_type = $root.onnx.TypeProto.decode(
                reader,
                reader.uint32(),
                undefined,
                long + 1,
              );
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError("index out of range");
          reader.len = length;
        }
        return message;
      };

      return Optional;
    })();

    TypeProto.SparseTensor = (function () {
      function SparseTensor(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      }

      SparseTensor.prototype.elem_type = 0;
      SparseTensor.prototype.shape = null;

      SparseTensor.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error("max depth exceeded");
        if (message.elem_type != null && Object.hasOwnProperty.call(message, "elem_type"))
          writer.uint32(8).int32(message.elem_type);
        if (message.shape != null && Object.hasOwnProperty.call(message, "shape"))
          $root.onnx.TensorShapeProto.encode(
            message.shape,
            writer.uint32(18).fork(),
            q + 1,
          ).ldelim();
        return writer;
      };

      SparseTensor.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = new $root.onnx.TypeProto.SparseTensor();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.elem_type = reader.int32();
              break;
            }
            case 2: {
              message.shape = $root.onnx.TensorShapeProto.decode(
                reader,
                reader.uint32(),
                undefined,
                long + 1,
              );
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError("index out of range");
          reader.len = length;
        }
        return message;
      };

      return SparseTensor;
    })();

    TypeProto.Opaque = (function () {
      function Opaque(properties) {
        if (properties)
          for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
            if (properties[keys[i]] != null && keys[i] !== "__proto__")
              this[keys[i]] = properties[keys[i]];
      }

      Opaque.prototype.domain = "";
      Opaque.prototype.name = "";

      Opaque.encode = function encode(message, writer, q) {
        if (!writer) writer = $Writer.create();
        if (q === undefined) q = 0;
        if (q > $util.recursionLimit) throw Error("max depth exceeded");
        if (message.domain != null && Object.hasOwnProperty.call(message, "domain"))
          writer.uint32(10).string(message.domain);
        if (message.name != null && Object.hasOwnProperty.call(message, "name"))
          writer.uint32(18).string(message.name);
        return writer;
      };

      Opaque.decode = function decode(reader, length, error, long) {
        if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
        if (long === undefined) long = 0;
        if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
        let end, message;
        if (length === undefined) end = reader.len;
        else {
          end = reader.pos + length;
          if (end > reader.len) throw RangeError("index out of range");
          length = reader.len;
          reader.len = end;
        }
        message = new $root.onnx.TypeProto.Opaque();
        while (reader.pos < end) {
          let tag = reader.uint32();
          if (tag === error) break;
          switch (tag >>> 3) {
            case 1: {
              message.domain = reader.string();
              break;
            }
            case 2: {
              message.name = reader.string();
              break;
            }
            default:
              reader.skipType(tag & 7, long);
              break;
          }
        }
        if (length !== undefined) {
          if (reader.pos !== end) throw RangeError("index out of range");
          reader.len = length;
        }
        return message;
      };

      return Opaque;
    })();

    return TypeProto;
  })();

  onnx.OperatorSetIdProto = (function () {
    function OperatorSetIdProto(properties) {
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    OperatorSetIdProto.prototype.domain = "";
    OperatorSetIdProto.prototype.version = $util.Long ? $util.Long.fromBits(0, 0, false) : 0;

    OperatorSetIdProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.domain != null && Object.hasOwnProperty.call(message, "domain"))
        writer.uint32(10).string(message.domain);
      if (message.version != null && Object.hasOwnProperty.call(message, "version"))
        writer.uint32(16).int64(message.version);
      return writer;
    };

    OperatorSetIdProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.OperatorSetIdProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.domain = reader.string();
            break;
          }
          case 2: {
            message.version = reader.int64();
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    return OperatorSetIdProto;
  })();

  onnx.OperatorStatus = (function () {
    const valuesById = {},
      values = Object.create(valuesById);
    values[(valuesById[0] = "EXPERIMENTAL")] = 0;
    values[(valuesById[1] = "STABLE")] = 1;
    return values;
  })();

  onnx.FunctionProto = (function () {
    function FunctionProto(properties) {
      this.input = [];
      this.output = [];
      this.attribute = [];
      this.attribute_proto = [];
      this.node = [];
      this.opset_import = [];
      this.value_info = [];
      this.metadata_props = [];
      if (properties)
        for (let keys = Object.keys(properties), i = 0; i < keys.length; ++i)
          if (properties[keys[i]] != null && keys[i] !== "__proto__")
            this[keys[i]] = properties[keys[i]];
    }

    FunctionProto.prototype.name = "";
    FunctionProto.prototype.input = $util.emptyArray;
    FunctionProto.prototype.output = $util.emptyArray;
    FunctionProto.prototype.attribute = $util.emptyArray;
    FunctionProto.prototype.attribute_proto = $util.emptyArray;
    FunctionProto.prototype.node = $util.emptyArray;
    FunctionProto.prototype.doc_string = "";
    FunctionProto.prototype.opset_import = $util.emptyArray;
    FunctionProto.prototype.domain = "";
    FunctionProto.prototype.overload = "";
    FunctionProto.prototype.value_info = $util.emptyArray;
    FunctionProto.prototype.metadata_props = $util.emptyArray;

    FunctionProto.encode = function encode(message, writer, q) {
      if (!writer) writer = $Writer.create();
      if (q === undefined) q = 0;
      if (q > $util.recursionLimit) throw Error("max depth exceeded");
      if (message.name != null && Object.hasOwnProperty.call(message, "name"))
        writer.uint32(10).string(message.name);
      if (message.input != null && message.input.length)
        for (let i = 0; i < message.input.length; ++i) writer.uint32(34).string(message.input[i]);
      if (message.output != null && message.output.length)
        for (let i = 0; i < message.output.length; ++i) writer.uint32(42).string(message.output[i]);
      if (message.attribute != null && message.attribute.length)
        for (let i = 0; i < message.attribute.length; ++i)
          writer.uint32(50).string(message.attribute[i]);
      if (message.node != null && message.node.length)
        for (let i = 0; i < message.node.length; ++i)
          $root.onnx.NodeProto.encode(message.node[i], writer.uint32(58).fork(), q + 1).ldelim();
      if (message.doc_string != null && Object.hasOwnProperty.call(message, "doc_string"))
        writer.uint32(66).string(message.doc_string);
      if (message.opset_import != null && message.opset_import.length)
        for (let i = 0; i < message.opset_import.length; ++i)
          $root.onnx.OperatorSetIdProto.encode(
            message.opset_import[i],
            writer.uint32(74).fork(),
            q + 1,
          ).ldelim();
      if (message.domain != null && Object.hasOwnProperty.call(message, "domain"))
        writer.uint32(82).string(message.domain);
      if (message.attribute_proto != null && message.attribute_proto.length)
        for (let i = 0; i < message.attribute_proto.length; ++i)
          $root.onnx.AttributeProto.encode(
            message.attribute_proto[i],
            writer.uint32(90).fork(),
            q + 1,
          ).ldelim();
      if (message.value_info != null && message.value_info.length)
        for (let i = 0; i < message.value_info.length; ++i)
          $root.onnx.ValueInfoProto.encode(
            message.value_info[i],
            writer.uint32(98).fork(),
            q + 1,
          ).ldelim();
      if (message.overload != null && Object.hasOwnProperty.call(message, "overload"))
        writer.uint32(106).string(message.overload);
      if (message.metadata_props != null && message.metadata_props.length)
        for (let i = 0; i < message.metadata_props.length; ++i)
          $root.onnx.StringStringEntryProto.encode(
            message.metadata_props[i],
            writer.uint32(114).fork(),
            q + 1,
          ).ldelim();
      return writer;
    };

    FunctionProto.decode = function decode(reader, length, error, long) {
      if (!(reader instanceof $Reader)) reader = $Reader.create(reader);
      if (long === undefined) long = 0;
      if (long > $Reader.recursionLimit) throw Error("maximum nesting depth exceeded");
      let end, message;
      if (length === undefined) end = reader.len;
      else {
        end = reader.pos + length;
        if (end > reader.len) throw RangeError("index out of range");
        length = reader.len;
        reader.len = end;
      }
      message = new $root.onnx.FunctionProto();
      while (reader.pos < end) {
        let tag = reader.uint32();
        if (tag === error) break;
        switch (tag >>> 3) {
          case 1: {
            message.name = reader.string();
            break;
          }
          case 4: {
            if (!(message.input && message.input.length)) message.input = [];
            message.input.push(reader.string());
            break;
          }
          case 5: {
            if (!(message.output && message.output.length)) message.output = [];
            message.output.push(reader.string());
            break;
          }
          case 6: {
            if (!(message.attribute && message.attribute.length)) message.attribute = [];
            message.attribute.push(reader.string());
            break;
          }
          case 11: {
            if (!(message.attribute_proto && message.attribute_proto.length))
              message.attribute_proto = [];
            message.attribute_proto.push(
              $root.onnx.AttributeProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 7: {
            if (!(message.node && message.node.length)) message.node = [];
            message.node.push(
              $root.onnx.NodeProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 8: {
            message.doc_string = reader.string();
            break;
          }
          case 9: {
            if (!(message.opset_import && message.opset_import.length)) message.opset_import = [];
            message.opset_import.push(
              $root.onnx.OperatorSetIdProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 10: {
            message.domain = reader.string();
            break;
          }
          case 13: {
            message.overload = reader.string();
            break;
          }
          case 12: {
            if (!(message.value_info && message.value_info.length)) message.value_info = [];
            message.value_info.push(
              $root.onnx.ValueInfoProto.decode(reader, reader.uint32(), undefined, long + 1),
            );
            break;
          }
          case 14: {
            if (!(message.metadata_props && message.metadata_props.length))
              message.metadata_props = [];
            message.metadata_props.push(
              $root.onnx.StringStringEntryProto.decode(
                reader,
                reader.uint32(),
                undefined,
                long + 1,
              ),
            );
            break;
          }
          default:
            reader.skipType(tag & 7, long);
            break;
        }
      }
      if (length !== undefined) {
        if (reader.pos !== end) throw RangeError("index out of range");
        reader.len = length;
      }
      return message;
    };

    return FunctionProto;
  })();

  return onnx;
})());

export { $root as default };
