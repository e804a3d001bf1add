"""Writes conformance/fixtures/named_io/named_io.pte: a method whose inputs are keyword
arguments and whose outputs are a dict, so that the execution plan's pytree specs
(container_meta_type) name them. et4j's named-I/O tests read it.

    conformance/python/.venv/bin/python conformance/python/named_io.py
"""

import os

import torch
from executorch.exir import to_edge

OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures", "named_io")


class NamedIo(torch.nn.Module):
    """Outputs whose values say which input went where: a swap of inputs or outputs shows."""

    def forward(self, image, bias):
        return {"total": image + 2.0 * bias, "difference": image - bias}


def main():
    example = {"image": torch.zeros(2, 3), "bias": torch.zeros(2, 3)}
    exported = torch.export.export(NamedIo(), (), kwargs=example)
    program = to_edge(exported).to_executorch()
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "named_io.pte")
    with open(path, "wb") as f:
        f.write(program.buffer)
    plan = program.executorch_program.execution_plan[0]
    print(path, plan.container_meta_type.encoded_inp_str, plan.container_meta_type.encoded_out_str)


if __name__ == "__main__":
    main()
