"""Restricciones del núcleo Linux para el proceso aislado (Landlock, capacidades, seccomp).

Se copia al proceso aislado; usa la biblioteca estándar y ``pyseccomp`` (libseccomp). Landlock
(Linux ≥ 5.13) permite que un proceso sin privilegios se restrinja a sí mismo:
después de ``restringir`` solo puede leer las rutas de solo lectura indicadas,
solo puede escribir en las de escritura, no puede abrir conexiones TCP (ABI ≥ 4)
ni enviar señales a procesos de fuera (ABI ≥ 6). Si el núcleo no lo admite,
``restringir`` devuelve un texto que explica qué falta, sin lanzar.
``prohibir_procesos`` instala un filtro seccomp (con libseccomp, que resuelve los
números de cada llamada en cada arquitectura) que impide crear procesos e hilos
(fork, vfork, clone, clone3), ejecutar programas, crear sockets (también con
io_uring), montar o cambiar de espacio de nombres, leer o tocar otros procesos
(ptrace, process_vm_*, pidfd_*, kcmp, bpf, perf_event_open…), usar los objetos
que comparten los procesos del mismo usuario (llaveros, IPC de System V, colas de
mensajes POSIX) y cambiar cualquier propiedad de otro proceso: límites
(prlimit64), prioridad, afinidad, planificación, E/S, memoria NUMA y señales
(kill, tgkill, rt_sigqueueinfo, F_SETOWN…) solo valen sobre sí mismo. Ni bombas de
fork, ni procesos que sobrevivan a la entrega, ni red (TCP, UDP, netlink ni sockets
locales), ni ningún efecto sobre el calificador, el servidor caliente o los
procesos aislados de otros estudiantes, que son del mismo usuario.

Landlock se aplica con llamadas escritas a mano (``ctypes``): no hay una biblioteca de
Python para Landlock asentada (en PyPI solo hay versiones de desarrollo o recién
nacidas: landlock 1.0.0.dev5, py-landlock 0.1, landlockpy 0.2), y son tres llamadas.
"""
import ctypes
import os

try:  # se importa al cargar el módulo, antes de encerrarse: libseccomp se busca con ldconfig
    import pyseccomp as seccomp
except (ImportError, OSError, RuntimeError) as _error:  # sin libseccomp: prohibir_procesos lo dice
    seccomp, _SIN_SECCOMP = None, f"falta libseccomp ({_error})"

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


#: Llamadas prohibidas siempre, por lo que darían: cada forma de crear un proceso o un hilo, de
#: obtener un socket (también mediante io_uring, que crea sockets sin pasar por socket()), de
#: ejecutar otro programa, de montar o cambiar de espacio de nombres, de leer o tocar otros
#: procesos, de usar los objetos que comparten todos los procesos del usuario y de recuperar
#: capacidades.
PROHIBIDAS = {
    "procesos": ("fork", "vfork", "clone", "clone3"),
    "programas": ("execve", "execveat"),
    "sockets": ("socket", "socketpair"),
    "io_uring": ("io_uring_setup", "io_uring_enter", "io_uring_register"),
    "montajes": ("mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "open_tree", "move_mount",
                 "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr"),
    "otros procesos": ("ptrace", "process_vm_readv", "process_vm_writev", "pidfd_open", "pidfd_getfd",
                       "pidfd_send_signal", "process_madvise", "process_mrelease", "kcmp", "bpf",
                       "perf_event_open", "userfaultfd"),
    "objetos del usuario": ("keyctl", "add_key", "request_key", "shmget", "shmat", "shmctl", "msgget",
                            "msgsnd", "msgrcv", "msgctl", "semget", "semop", "semtimedop", "semctl",
                            "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify",
                            "mq_getsetattr"),
    "capacidades": ("capset",),
}
PROPIO = object()  # en SOLO_SOBRE_SI: el pid del propio proceso (no cambia: no puede crear otros)
_MASCARA_32 = 0xFFFFFFFF  # el núcleo lee esos argumentos como enteros de 32 bits
_F_SETOWN, _F_SETOWN_EX, _FIOSETOWN, _SIOCSPGRP = 8, 15, 0x8901, 0x8902

#: Llamadas que solo pueden actuar sobre el propio proceso: (llamada, argumento, valor permitido).
#: Fallan si ese argumento tiene otro valor (la glibc usa pid 0 para «yo mismo» en setrlimit y
#: compañía; las señales llevan el pid propio). Un argumento con condiciones en dos
#: posiciones (setpriority, ioprio_set) tiene dos reglas: falla si cualquiera no se cumple.
SOLO_SOBRE_SI = (
    ("prlimit64", 0, 0), ("sched_setaffinity", 0, 0), ("sched_setscheduler", 0, 0),
    ("sched_setparam", 0, 0), ("sched_setattr", 0, 0), ("migrate_pages", 0, 0), ("move_pages", 0, 0),
    ("get_robust_list", 0, 0),
    ("setpriority", 0, 0), ("setpriority", 1, 0),  # PRIO_PROCESS y who = 0 (no el grupo ni el usuario)
    ("ioprio_set", 0, 1), ("ioprio_set", 1, 0),  # IOPRIO_WHO_PROCESS y who = 0
    ("kill", 0, PROPIO), ("tkill", 0, PROPIO), ("tgkill", 0, PROPIO), ("rt_sigqueueinfo", 0, PROPIO),
    ("rt_tgsigqueueinfo", 0, PROPIO),
)
#: Órdenes que harían que el núcleo enviara señales a otro proceso (SIGIO a un «dueño» elegido).
ORDENES_PROHIBIDAS = (("fcntl", _F_SETOWN), ("fcntl", _F_SETOWN_EX), ("ioctl", _FIOSETOWN),
                      ("ioctl", _SIOCSPGRP))


def filtro(pid, arquitecturas=None):
    """Filtro seccomp de libseccomp (sin cargar) para el proceso ``pid``: todo se permite salvo
    ``PROHIBIDAS``, ``SOLO_SOBRE_SI`` sobre otro proceso y ``ORDENES_PROHIBIDAS`` (fallan con EPERM).

    ``arquitecturas`` (constantes de ``pyseccomp.Arch``) sustituye a la nativa: sirve para
    comprobar el filtro de otra arquitectura sin cargarlo. Una llamada al sistema de otra
    arquitectura (por ejemplo, de 32 bits en x86_64) mata el proceso.
    """
    reglas = seccomp.SyscallFilter(seccomp.ALLOW)
    for arquitectura in arquitecturas or ():
        if not reglas.exist_arch(arquitectura):
            reglas.add_arch(arquitectura)
    if arquitecturas and seccomp.system_arch() not in arquitecturas:
        reglas.remove_arch(seccomp.Arch.NATIVE)
    eperm = seccomp.ERRNO(1)
    for nombre in (n for grupo in PROHIBIDAS.values() for n in grupo):
        reglas.add_rule(eperm, nombre)
    for nombre, argumento, permitido in SOLO_SOBRE_SI:
        reglas.add_rule(eperm, nombre, seccomp.Arg(argumento, seccomp.NE, pid if permitido is PROPIO else permitido))
    for nombre, orden in ORDENES_PROHIBIDAS:
        reglas.add_rule(eperm, nombre, seccomp.Arg(1, seccomp.MASKED_EQ, _MASCARA_32, orden))
    return reglas


def prohibir_procesos():
    """Carga ``filtro`` en este proceso. ``None`` si se aplicó, o el motivo."""
    if seccomp is None:
        return "no se pudo aplicar seccomp: " + _SIN_SECCOMP
    try:
        filtro(os.getpid()).load()  # libseccomp activa antes no_new_privs
    except (OSError, RuntimeError, ValueError) as error:
        return f"no se pudo aplicar seccomp: {error}"
    return None
