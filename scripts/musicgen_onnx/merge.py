"""Fuse the decoder's two exports into one graph with an If on `use_cache_branch`.

This is what optimum's merge_decoders does for decoder_model_merged.onnx (optimum is not
installable here): both branches live in one file and share every weight, stored once in the
outer graph (deduplicated by content, since the two exports name folded constants differently).
"""

import hashlib

import onnx
from onnx import TensorProto, helper


def _lift_initializers(graph, outer, seen):
    rename = {}
    for init in list(graph.initializer):
        digest = hashlib.sha256(init.raw_data or init.SerializeToString()).hexdigest()
        key = (digest, init.data_type, tuple(init.dims))
        if key not in seen:
            name = f"shared_{len(seen)}"
            clone = onnx.TensorProto()
            clone.CopyFrom(init)
            clone.name = name
            outer.append(clone)
            seen[key] = name
        rename[init.name] = seen[key]
    del graph.initializer[:]
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name in rename:
                node.input[i] = rename[name]
    for out in graph.output:
        if out.name in rename:
            raise ValueError(f"an output is a weight: {out.name}")


def _as_branch(model, name, outer_inputs):
    g = model.graph
    # Branch inputs come from the outer scope: a subgraph has none of its own.
    for inp in g.input:
        if inp.name not in outer_inputs:
            raise ValueError(f"{name}: input {inp.name} is missing from the merged inputs")
    del g.input[:]
    g.name = name
    return g


def merge(no_past: onnx.ModelProto, with_past: onnx.ModelProto) -> onnx.ModelProto:
    # Each export keeps only the inputs its branch reads: the merged graph takes them all.
    inputs = list(no_past.graph.input)
    names = {i.name for i in inputs}
    for i in with_past.graph.input:
        if i.name not in names:
            inputs.append(i)
            names.add(i.name)
    outputs = [o.name for o in with_past.graph.output]
    if outputs != [o.name for o in no_past.graph.output]:
        raise ValueError("the two decoders disagree on their outputs")

    outer_inits = []
    seen = {}
    _lift_initializers(no_past.graph, outer_inits, seen)
    _lift_initializers(with_past.graph, outer_inits, seen)
    then_branch = _as_branch(with_past, "with_past", names)
    else_branch = _as_branch(no_past, "no_past", names)
    use_cache = helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1])
    cond_scalar = helper.make_node("Squeeze", ["use_cache_branch"], ["use_cache_scalar"], name="cond")
    node = helper.make_node(
        "If", ["use_cache_scalar"], outputs, name="optimum::if", then_branch=then_branch, else_branch=else_branch
    )
    out_infos = []
    for o in with_past.graph.output:
        info = onnx.ValueInfoProto()
        info.CopyFrom(o)
        out_infos.append(info)
    graph = helper.make_graph(
        [cond_scalar, node], "decoder_model_merged", inputs + [use_cache], out_infos, initializer=outer_inits
    )
    model = helper.make_model(graph, opset_imports=with_past.opset_import, producer_name="musicsketch")
    model.ir_version = with_past.ir_version
    onnx.checker.check_model(model)
    return model
