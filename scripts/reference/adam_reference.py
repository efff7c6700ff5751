"""Reference values for test/train.test.ts: torch.optim.Adam and AdamW, three steps with fixed
gradients, and BCEWithLogitsLoss. Run: /usr/bin/python3 scripts/reference/adam_reference.py"""
import json
import torch

out = {"torch": torch.__version__}
w0 = [0.5, -1.5, 2.0, 0.0]
grads = [[0.1, -0.2, 0.3, 0.0], [0.5, 0.5, -0.5, 1.0], [-0.05, 0.0, 0.2, -3.0]]
for name, cls in [("adam", torch.optim.Adam), ("adamw", torch.optim.AdamW)]:
    w = torch.tensor(w0, dtype=torch.float32, requires_grad=True)
    opt = cls([w], lr=0.01, weight_decay=0.1)
    for g in grads:
        w.grad = torch.tensor(g, dtype=torch.float32)
        opt.step()
    out[name] = w.detach().tolist()
z = torch.tensor([-100.0, -2.0, 0.0, 0.5, 3.0, 50.0])
y = torch.tensor([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
out["bce"] = {"logits": z.tolist(), "labels": y.tolist(), "loss": torch.nn.BCEWithLogitsLoss()(z, y).item()}
json.dump(out, open("test/fixtures/reference/torch-reference.json", "w"))
