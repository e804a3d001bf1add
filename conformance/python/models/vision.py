"""torchvision classifiers with random, seeded weights (no pretrained weights are
available offline): mobilenet_v2, mobilenet_v3_small, resnet18, with BatchNorm
statistics estimated on seeded random batches. Inputs are seeded normalised-image-like
tensors [1, 3, 224, 224]. Large: built only with --large."""

import torch

from pipeline import CaseSpec, MethodSpec


def _builder(name):
    def build():
        import torchvision

        model = getattr(torchvision.models, name)(weights=None)
        # With torchvision's default init and identity BatchNorm statistics, the
        # mobilenets' activations vanish (logits ~1e-9, which int8 rounds to zero).
        # Give every BatchNorm real statistics: a few seeded training-mode passes with
        # cumulative averaging (momentum=None), no weight updates.
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.reset_running_stats()
                m.momentum = None
        model.train()
        with torch.no_grad():
            for _ in range(2):
                model(torch.randn(8, 3, 224, 224))
        model.eval()
        tests = [(torch.randn(1, 3, 224, 224),) for _ in range(2)]
        calib = [(torch.randn(1, 3, 224, 224),) for _ in range(4)]
        return {"forward": MethodSpec(model, tests[0], tests, calibration_inputs=calib)}

    return build


CASES = [
    CaseSpec(
        "mobilenet_v2",
        "torchvision mobilenet_v2, random seeded weights, [1,3,224,224]",
        _builder("mobilenet_v2"),
        ["portable", "xnnpack", "xnnpack-qd8", "pt2e-int8", "ptd", "xnnpack-int8"],
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
