// SPDX-License-Identifier: GPL-2.0
/*
 * sgl_ivshmem: interrupts of an ivshmem-doorbell device (PCI 1af4:1110 with
 * MSI-X) for libsglhost's guest library (docs/ivshmem.md).
 *
 * The host rings a VM by writing its vector eventfd; QEMU turns that into
 * an MSI-X message, which only a kernel driver receives. This one counts
 * the interrupts of all the device's vectors and shows the count through a
 * char device, /dev/sgl-ivshmemN (N in probe order; the name is also under
 * the PCI device's misc/ directory in sysfs):
 *
 *   read()   8 bytes: the interrupt count, once it differs from the count
 *            this open file last read (blocks, or -EAGAIN with O_NONBLOCK)
 *   poll()   readable while the count differs from the one last read
 *
 * So every process waiting in the VM is woken by every interrupt, and one
 * that came after a process last read is never missed. The memory itself
 * is not this driver's business: the library maps BAR2 through sysfs
 * resource2, which stays possible because no BAR is requested here.
 */
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#define DRV_NAME "sgl_ivshmem"

struct ivs_dev {
	struct kref ref;
	struct pci_dev *pdev;
	struct miscdevice misc;
	char name[32];
	int index;
	int nvec;
	atomic64_t count;
	bool gone;
	wait_queue_head_t wq;
};

struct ivs_file {
	struct ivs_dev *dev;
	u64 seen;
};

static DEFINE_IDA(ivs_ida);

static void ivs_free(struct kref *ref)
{
	struct ivs_dev *d = container_of(ref, struct ivs_dev, ref);

	ida_free(&ivs_ida, d->index);
	kfree(d);
}

static irqreturn_t ivs_irq(int irq, void *data)
{
	struct ivs_dev *d = data;

	atomic64_inc(&d->count);
	wake_up_interruptible_all(&d->wq);
	return IRQ_HANDLED;
}

static int ivs_open(struct inode *inode, struct file *file)
{
	struct miscdevice *m = file->private_data;
	struct ivs_dev *d = container_of(m, struct ivs_dev, misc);
	struct ivs_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	kref_get(&d->ref);
	f->dev = d;
	f->seen = atomic64_read(&d->count);
	file->private_data = f;
	return stream_open(inode, file);
}

static int ivs_release(struct inode *inode, struct file *file)
{
	struct ivs_file *f = file->private_data;

	kref_put(&f->dev->ref, ivs_free);
	kfree(f);
	return 0;
}

static ssize_t ivs_read(struct file *file, char __user *buf, size_t len, loff_t *off)
{
	struct ivs_file *f = file->private_data;
	struct ivs_dev *d = f->dev;
	u64 now;

	if (len < sizeof(now))
		return -EINVAL;
	if (atomic64_read(&d->count) == f->seen) {
		if (READ_ONCE(d->gone))
			return -ENODEV;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		if (wait_event_interruptible(d->wq, atomic64_read(&d->count) != f->seen ||
						    READ_ONCE(d->gone)))
			return -ERESTARTSYS;
	}
	now = atomic64_read(&d->count);
	if (now == f->seen)
		return -ENODEV;
	if (copy_to_user(buf, &now, sizeof(now)))
		return -EFAULT;
	f->seen = now;
	return sizeof(now);
}

static __poll_t ivs_poll(struct file *file, poll_table *wait)
{
	struct ivs_file *f = file->private_data;
	struct ivs_dev *d = f->dev;

	poll_wait(file, &d->wq, wait);
	if (atomic64_read(&d->count) != f->seen)
		return EPOLLIN | EPOLLRDNORM;
	return READ_ONCE(d->gone) ? EPOLLHUP : 0;
}

static const struct file_operations ivs_fops = {
	.owner = THIS_MODULE,
	.open = ivs_open,
	.release = ivs_release,
	.read = ivs_read,
	.poll = ivs_poll,
	.llseek = no_llseek,
};

static void ivs_free_irqs(struct ivs_dev *d, int n)
{
	while (n-- > 0)
		free_irq(pci_irq_vector(d->pdev, n), d);
	pci_free_irq_vectors(d->pdev);
}

static int ivs_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct ivs_dev *d;
	int ret, i;

	/* ivshmem-plain has no interrupts: leave it alone. */
	if (pci_msix_vec_count(pdev) <= 0)
		return -ENODEV;
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	kref_init(&d->ref);
	d->pdev = pdev;
	init_waitqueue_head(&d->wq);
	d->index = ida_alloc(&ivs_ida, GFP_KERNEL);
	if (d->index < 0) {
		ret = d->index;
		kfree(d);
		return ret;
	}
	ret = pci_enable_device(pdev);
	if (ret)
		goto err_put;
	/* MSI-X messages are bus-master writes: without this QEMU drops them
	 * (the eventfd is consumed, the PBA stays 0, no interrupt comes). */
	pci_set_master(pdev);
	d->nvec = pci_alloc_irq_vectors(pdev, 1, pci_msix_vec_count(pdev), PCI_IRQ_MSIX);
	if (d->nvec < 0) {
		ret = d->nvec;
		goto err_disable;
	}
	for (i = 0; i < d->nvec; i++) {
		ret = request_irq(pci_irq_vector(pdev, i), ivs_irq, 0, DRV_NAME, d);
		if (ret) {
			ivs_free_irqs(d, i);
			goto err_disable;
		}
	}
	snprintf(d->name, sizeof(d->name), "sgl-ivshmem%d", d->index);
	d->misc = (struct miscdevice){
		.minor = MISC_DYNAMIC_MINOR, .name = d->name, .fops = &ivs_fops,
		.parent = &pdev->dev, .mode = 0444,
	};
	ret = misc_register(&d->misc);
	if (ret) {
		ivs_free_irqs(d, d->nvec);
		goto err_disable;
	}
	pci_set_drvdata(pdev, d);
	dev_info(&pdev->dev, "/dev/%s: %d MSI-X vectors\n", d->name, d->nvec);
	return 0;

err_disable:
	pci_clear_master(pdev);
	pci_disable_device(pdev);
err_put:
	kref_put(&d->ref, ivs_free);
	return ret;
}

static void ivs_remove(struct pci_dev *pdev)
{
	struct ivs_dev *d = pci_get_drvdata(pdev);

	misc_deregister(&d->misc);
	ivs_free_irqs(d, d->nvec);
	WRITE_ONCE(d->gone, true);
	wake_up_interruptible_all(&d->wq);
	pci_clear_master(pdev);
	pci_disable_device(pdev);
	kref_put(&d->ref, ivs_free);
}

static const struct pci_device_id ivs_ids[] = {
	{ PCI_DEVICE(0x1af4, 0x1110) },
	{ 0 },
};
MODULE_DEVICE_TABLE(pci, ivs_ids);

static struct pci_driver ivs_driver = {
	.name = DRV_NAME,
	.id_table = ivs_ids,
	.probe = ivs_probe,
	.remove = ivs_remove,
};
module_pci_driver(ivs_driver);

MODULE_DESCRIPTION("ivshmem-doorbell interrupts for libsglhost guests");
MODULE_LICENSE("GPL");
