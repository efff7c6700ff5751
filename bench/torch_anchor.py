"""PyTorch CPU anchor for bench/run.ts: torchvision ResNet50 (one logit) at the same size and
batch, training steps (BCE with logits, Adam) and forward passes. Prints one JSON line."""
import json, resource, sys, time
import torch, torchvision

size, batch, mode, steps = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
# Threads: given, or torch's own choice (it picks one on a two-core machine); bench/run.ts
# measures 1 and all cores and compares with the faster.
if len(sys.argv) > 5: torch.set_num_threads(int(sys.argv[5]))
torch.manual_seed(0)
arch = sys.argv[6] if len(sys.argv) > 6 else "resnet50"
if arch == "demo":
    from torchvision.models.resnet import ResNet, Bottleneck
    net = ResNet(Bottleneck, [1, 1, 1, 1], width_per_group=16, num_classes=1)
else:
    net = torchvision.models.resnet50(num_classes=1)
x = torch.randn(batch, 3, size, size)
y = torch.ones(batch, 1)
opt = torch.optim.Adam(net.parameters(), lr=1e-4, weight_decay=1e-4)
loss_fn = torch.nn.BCEWithLogitsLoss()
def step():
    if mode == "train":
        net.train(); opt.zero_grad(); loss = loss_fn(net(x), y); loss.backward(); opt.step()
    else:
        net.eval()
        with torch.no_grad(): net(x)
for _ in range(3): step()  # warm-up, as bench/model-worker.ts does
t = time.perf_counter()
for _ in range(steps): step()
seconds = time.perf_counter() - t
print(json.dumps({"img_per_s": steps * batch / seconds, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "threads": torch.get_num_threads()}))
