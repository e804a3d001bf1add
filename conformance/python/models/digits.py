"""digits_cnn: a small CNN trained (briefly, seeded) on scikit-learn's bundled 8x8
handwritten digits (sklearn.datasets.load_digits, real data). Test inputs are real
held-out digit images; a slice of them is also saved for the Java README demo."""

import copy
import functools
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.export import Dim

from pipeline import CaseSpec, MethodSpec

ALL_VARIANTS = [
    "portable", "xnnpack", "xnnpack-qd8", "xnnpack-4bit", "pt2e-int8", "ptd", "xnnpack-ptd",
    "xnnpack-int8",
]
DEMO_IMAGES = 100


class DigitsCNN(nn.Module):
    """[N, 1, 8, 8] pixels scaled to [0, 1] -> [N, 10] logits."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 4 * 4, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc2(F.relu(self.fc1(x)))


@functools.lru_cache(maxsize=1)
def dataset():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    d = load_digits()
    x = (d.images.astype(np.float32) / 16.0)[:, None, :, :]
    y = d.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, y, test_size=0.2, random_state=0, stratify=y
    )
    return x_tr, x_te, y_tr, y_te


@functools.lru_cache(maxsize=1)
def trained_state():
    x_tr, _, y_tr, _ = dataset()
    g = torch.Generator().manual_seed(1234)
    torch.manual_seed(1234)
    model = DigitsCNN()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    xt, yt = torch.from_numpy(x_tr), torch.from_numpy(y_tr)
    model.train()
    for _epoch in range(15):
        perm = torch.randperm(len(xt), generator=g)
        for i in range(0, len(xt), 64):
            idx = perm[i : i + 64]
            opt.zero_grad()
            loss = F.cross_entropy(model(xt[idx]), yt[idx])
            loss.backward()
            opt.step()
    return copy.deepcopy(model.state_dict())


def trained_model():
    model = DigitsCNN()
    model.load_state_dict(trained_state())
    return model.eval()


def build_digits():
    x_tr, x_te, _, _ = dataset()
    te = torch.from_numpy(x_te)
    tests = [(te[0:1].clone(),), (te[1:9].clone(),), (te[9:25].clone(),)]
    calib = [(torch.from_numpy(x_tr[i : i + 32]).clone(),) for i in range(0, 256, 32)]
    batch = Dim("batch", min=1, max=64)
    return {
        "forward": MethodSpec(
            trained_model(),
            # Example at the upper bound: XNNPACK lowering of conv with a smaller example
            # batch (4) plans the input for batch 15 only (observed with executorch 1.5.1).
            (te[0:64].clone(),),
            tests,
            dynamic_shapes=({0: batch},),
            calibration_inputs=calib,
        )
    }


def _accuracy_with_executorch(pte_path, x, y):
    from executorch.runtime import Runtime

    method = Runtime.get().load_program(pte_path).load_method("forward")
    correct = 0
    for i in range(0, len(x), 64):
        batch = torch.tensor(np.ascontiguousarray(x[i : i + 64]))
        logits = method.execute([batch])[0]
        correct += int((logits.argmax(-1).numpy() == y[i : i + 64]).sum())
    return correct / len(x)


def after_digits(out_dir, results):
    """Saves real test images + labels for the Java demo; records test accuracy."""
    _, x_te, _, y_te = dataset()
    np.save(os.path.join(out_dir, "digits_test.npy"), x_te[:DEMO_IMAGES])
    np.save(os.path.join(out_dir, "digits_test_labels.npy"), y_te[:DEMO_IMAGES])
    model = trained_model()
    with torch.no_grad():
        eager = (model(torch.from_numpy(x_te)).argmax(-1).numpy() == y_te).mean()
    info = {
        "dataset": "sklearn.datasets.load_digits, 80/20 stratified split (random_state=0)",
        "demo_images": "digits_cnn/digits_test.npy",
        "demo_images_format": f"float32 [{DEMO_IMAGES}, 1, 8, 8], pixel / 16.0 (model input)",
        "demo_labels": "digits_cnn/digits_test_labels.npy",
        "demo_labels_format": f"int64 [{DEMO_IMAGES}]",
        "test_set_size": int(len(y_te)),
        "eager_test_accuracy": float(eager),
    }
    pte = os.path.join(out_dir, "digits_cnn.portable.pte")
    if os.path.exists(pte):
        info["plain_program"] = "digits_cnn/digits_cnn.portable.pte"
        info["executorch_portable_test_accuracy"] = _accuracy_with_executorch(pte, x_te, y_te)
    return info


CASES = [
    CaseSpec(
        "digits_cnn",
        "2-conv CNN trained on sklearn digits (real 8x8 images), dynamic batch 1..64",
        build_digits,
        ALL_VARIANTS,
        after=after_digits,
        keep_pte=["portable"],
    ),
]
