"""Restricciones del núcleo Linux para el proceso aislado (Landlock, capacidades, seccomp).

Se copia al proceso aislado y solo usa la biblioteca estándar. Landlock
(Linux ≥ 5.13) permite que un proceso sin privilegios se restrinja a sí mismo:
después de ``restringir`` solo puede leer las rutas de solo lectura indicadas,
solo puede escribir en las de escritura, no puede abrir conexiones TCP (ABI ≥ 4)
ni enviar señales a procesos de fuera (ABI ≥ 6). Si el núcleo no lo admite,
``restringir`` devuelve un texto que explica qué falta, sin lanzar.
``prohibir_procesos`` instala un filtro seccomp que impide crear procesos e
hilos (fork, vfork, clone, clone3), ejecutar programas, crear sockets (también
con io_uring), montar o cambiar de espacio de nombres y leer o tocar otros
procesos (ptrace, process_vm_*, pidfd_getfd, bpf, perf_event_open): ni bombas
de fork, ni procesos que sobrevivan a la entrega, ni red (TCP, UDP, netlink ni
sockets locales).
"""
import ctypes
import os
import platform

_CREAR, _REGLA, _RESTRINGIR = 444, 445, 446  # mismos números en x86_64 y aarch64
_REGLA_RUTA = 1
_PR_SET_NO_NEW_PRIVS = 38

_EJECUTAR, _ESCRIBIR, _LEER, _LEER_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
_DERECHOS_FICHERO = _EJECUTAR | _ESCRIBIR | _LEER  # + TRUNCATE y IOCTL_DEV según la ABI


class _Ruleset(ctypes.Structure):
    _fields_ = [("fs", ctypes.c_uint64), ("red", ctypes.c_uint64), ("ambito", ctypes.c_uint64)]


class _RutaDebajo(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("permitido", ctypes.c_uint64), ("fd", ctypes.c_int32)]


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def abi():
    """Versión de la ABI de Landlock del núcleo (0 si no está disponible)."""
    try:
        version = _libc().syscall(_CREAR, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    except (OSError, AttributeError):
        return 0
    return max(int(version), 0)


def _derechos_fs(version):
    todos = (1 << 13) - 1  # ABI 1: de EXECUTE a MAKE_SYM
    if version >= 2:
        todos |= 1 << 13  # REFER
    if version >= 3:
        todos |= 1 << 14  # TRUNCATE
    if version >= 5:
        todos |= 1 << 15  # IOCTL_DEV
    return todos


def quitar_capacidades():
    """Si el proceso es root, renuncia a todas sus capacidades (no puede volver a subir límites)."""
    if os.geteuid() != 0:
        return None

    class _Cabecera(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class _Datos(ctypes.Structure):
        _fields_ = [("efectivas", ctypes.c_uint32), ("permitidas", ctypes.c_uint32),
                    ("heredables", ctypes.c_uint32)]

    libc = _libc()
    cabecera = _Cabecera(0x20080522, 0)
    datos = (_Datos * 2)()
    if libc.capset(ctypes.byref(cabecera), datos) != 0:
        return "no se pudieron quitar las capacidades de root: " + os.strerror(ctypes.get_errno())
    return None


def restringir(lectura, escritura):
    """Aplica Landlock: solo ``lectura`` (solo lectura) y ``escritura`` (todo) quedan accesibles.

    Devuelve ``None`` si se aplicó o un texto con el motivo si no se pudo.
    """
    version = abi()
    if version < 1:
        return "el núcleo no admite Landlock"
    libc = _libc()
    todos = _derechos_fs(version)
    fichero = _DERECHOS_FICHERO | (todos & ((1 << 14) | (1 << 15)))
    atributos = _Ruleset(todos, 0, 0)
    tamano = 8
    if version >= 4:
        atributos.red = 0b11  # BIND_TCP | CONNECT_TCP: sin reglas, toda conexión TCP se rechaza
        tamano = 16
    if version >= 6:
        atributos.ambito = 0b11  # sockets abstractos y señales a procesos de fuera
        tamano = 24
    ruleset = libc.syscall(_CREAR, ctypes.byref(atributos), ctypes.c_size_t(tamano), ctypes.c_uint32(0))
    if ruleset < 0:
        return "no se pudo crear la política Landlock: " + os.strerror(ctypes.get_errno())
    try:
        for rutas, derechos in ((lectura, _EJECUTAR | _LEER | _LEER_DIR), (escritura, todos)):
            for ruta in rutas:
                try:
                    fd = os.open(ruta, os.O_PATH | os.O_CLOEXEC)
                except OSError:
                    continue
                try:
                    permitido = derechos if os.path.isdir(ruta) else derechos & fichero
                    regla = _RutaDebajo(permitido, fd)
                    if libc.syscall(_REGLA, ruleset, _REGLA_RUTA, ctypes.byref(regla), ctypes.c_uint32(0)) != 0:
                        return f"no se pudo permitir {ruta}: " + os.strerror(ctypes.get_errno())
                finally:
                    os.close(fd)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return "no se pudo activar no_new_privs: " + os.strerror(ctypes.get_errno())
        if libc.syscall(_RESTRINGIR, ruleset, ctypes.c_uint32(0)) != 0:
            return "no se pudo aplicar Landlock: " + os.strerror(ctypes.get_errno())
    finally:
        os.close(ruleset)
    return None


class _Instruccion(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _Programa(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Instruccion))]


_LD, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_JMP|JGE|K, BPF_RET|K
_PERMITIR, _EPERM = 0x7FFF0000, 0x00050000 | 1

# Llamadas prohibidas, por lo que darían: cada forma de crear un proceso o un hilo, de
# obtener un socket (también mediante io_uring, que crea sockets sin pasar por socket()),
# de ejecutar otro programa, de montar o cambiar de espacio de nombres, y de leer o
# tocar la memoria o los descriptores de otros procesos.
_PROHIBIDAS = {
    "procesos": {"x86_64": (56, 57, 58, 435), "aarch64": (220, 435)},  # clone, fork, vfork, clone3
    "programas": {"x86_64": (59, 322), "aarch64": (221, 281)},  # execve, execveat
    "sockets": {"x86_64": (41, 53), "aarch64": (198, 199)},  # socket, socketpair
    "io_uring": {"x86_64": (425, 426, 427), "aarch64": (425, 426, 427)},  # setup, enter, register
    "montajes": {"x86_64": (165, 166, 155, 161, 272, 308, 428, 429, 430, 431, 432, 433, 442),
                 "aarch64": (40, 39, 41, 51, 97, 268, 428, 429, 430, 431, 432, 433, 442)},
    # mount, umount2, pivot_root, chroot, unshare, setns, open_tree, move_mount, fsopen,
    # fsconfig, fsmount, fspick, mount_setattr
    "otros procesos": {"x86_64": (101, 310, 311, 438, 321, 298, 323),
                       "aarch64": (117, 270, 271, 438, 280, 241, 282)},
    # ptrace, process_vm_readv/writev, pidfd_getfd, bpf, perf_event_open, userfaultfd
}
_ARQUITECTURAS = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}


def llamadas_prohibidas(arquitectura):
    """Números de las llamadas al sistema que ``prohibir_procesos`` prohíbe en ``arquitectura``."""
    return tuple(sorted({n for grupo in _PROHIBIDAS.values() for n in grupo[arquitectura]}))


def prohibir_procesos():
    """Filtro seccomp: las llamadas de ``_PROHIBIDAS`` fallan con EPERM. ``None`` si se aplicó, o el motivo."""
    arco = _ARQUITECTURAS.get(platform.machine())
    if arco is None:
        return f"seccomp no configurado para la arquitectura {platform.machine()}"
    prohibidas = llamadas_prohibidas(platform.machine())
    n = len(prohibidas)
    programa = [(_LD, 0, 0, 4), (_JEQ, 1, 0, arco), (_RET, 0, 0, _EPERM),  # otra ABI: todo prohibido
                (_LD, 0, 0, 0), (_JGE, 0, 1, 0x40000000), (_RET, 0, 0, _EPERM)]  # llamadas x32
    programa += [(_JEQ, n - i, 0, nr) for i, nr in enumerate(prohibidas)]
    programa += [(_RET, 0, 0, _PERMITIR), (_RET, 0, 0, _EPERM)]
    instrucciones = (_Instruccion * len(programa))(*[_Instruccion(*x) for x in programa])
    libc = _libc()
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return "no se pudo activar no_new_privs: " + os.strerror(ctypes.get_errno())
    if libc.prctl(22, 2, ctypes.byref(_Programa(len(programa), instrucciones)), 0, 0) != 0:  # SECCOMP_MODE_FILTER
        return "no se pudo aplicar seccomp: " + os.strerror(ctypes.get_errno())
    return None
