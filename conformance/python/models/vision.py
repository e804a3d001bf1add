"""torchvision classifiers with random, seeded weights (no pretrained weights are
available offline): mobilenet_v2, mobilenet_v3_small, resnet18. Inputs are seeded
normalised-image-like tensors [1, 3, 224, 224]. Large: built only with --large."""

import torch

from pipeline import CaseSpec, MethodSpec


def _builder(name):
    def build():
        import torchvision

        model = getattr(torchvision.models, name)(weights=None).eval()
        tests = [(torch.randn(1, 3, 224, 224),) for _ in range(2)]
        calib = [(torch.randn(1, 3, 224, 224),) for _ in range(4)]
        return {"forward": MethodSpec(model, tests[0], tests, calibration_inputs=calib)}

    return build


CASES = [
    CaseSpec(
        "mobilenet_v2",
        "torchvision mobilenet_v2, random seeded weights, [1,3,224,224]",
        _builder("mobilenet_v2"),
        ["portable", "xnnpack", "xnnpack-qd8", "pt2e-int8", "ptd"],
        large=True,
    ),
    CaseSpec(
        "mobilenet_v3_small",
        "torchvision mobilenet_v3_small, random seeded weights, [1,3,224,224]",
        _builder("mobilenet_v3_small"),
        ["portable", "xnnpack", "pt2e-int8"],
        large=True,
    ),
    CaseSpec(
        "resnet18",
        "torchvision resnet18, random seeded weights, [1,3,224,224]",
        _builder("resnet18"),
        ["portable", "xnnpack", "pt2e-int8"],
        large=True,
    ),
]
