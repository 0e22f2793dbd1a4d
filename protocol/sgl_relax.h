/*
 * cpu_relax(): the pause of a spinning waiter (protocol/sgl_shm.c,
 * protocol/sgl_socket.c): it lets the sibling hyperthread run and saves
 * power while a peer is about to answer.
 */
#ifndef SGL_RELAX_H
#define SGL_RELAX_H

#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax() __builtin_ia32_pause()
#elif defined(__aarch64__) || defined(__arm__)
#define cpu_relax() __asm__ __volatile__("yield" ::: "memory")
#else
#define cpu_relax() ((void)0)
#endif

#endif
