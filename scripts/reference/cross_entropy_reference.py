"""Reference for test/train.test.ts: torch.nn.CrossEntropyLoss (mean over the batch, class
indices) and its gradient with respect to the logits, including large logits.
Run: /usr/bin/python3 scripts/reference/cross_entropy_reference.py"""
import json
import torch

z = torch.tensor([[2.0, -1.0, 0.5, 0.0], [-3.0, 4.0, 1.0, 0.2], [100.0, -50.0, 99.0, 0.0],
                  [0.0, 0.0, 0.0, 0.0], [-1.5, -2.5, 3.5, 1.0]], requires_grad=True)
y = torch.tensor([0, 2, 2, 3, 1])
loss = torch.nn.CrossEntropyLoss()(z, y)
loss.backward()
json.dump({"torch": torch.__version__, "logits": z.detach().tolist(), "labels": y.tolist(), "loss": loss.item(),
           "grad": z.grad.tolist()}, open("test/fixtures/reference/cross-entropy-reference.json", "w"))
print(loss.item())
