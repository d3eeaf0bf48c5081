"""Programa del proceso aislado: ejecuta las celdas del estudiante y los casos ocultos.

Se copia a la carpeta temporal de la entrega junto con ``ejecucion.py`` (de
``solutions``), ``codec.py``, ``restricciones.py`` y ``vigilante.py``, y se lanza con ``python -I``
o, en un trabajador caliente, lo ejecuta (``main``) un hijo nuevo de ``servidor_fork``.
Solo usa la biblioteca estándar, numpy y pyseccomp. Protocolo (una línea JSON por mensaje):
lee órdenes del descriptor ``argv[1]`` y escribe mensajes en ``argv[2]``.

1. Se limita (``resource``), renuncia a las capacidades de root, se encierra
   con Landlock, se prohíbe crear procesos e hilos y actuar sobre otros procesos
   (seccomp) e instala un gancho de auditoría que avisa de accesos sospechosos.
2. Orden ``celdas``: ejecuta cada celda (con su límite de tiempo, en try/except)
   en un mismo espacio de nombres y responde ``celda``/``celda_fin`` y ``listo``.
3. Órdenes ``fase``: por cada caso inyecta las auxiliares que pide el caso, aplica
   la función a copias de las entradas y responde el resultado y esas copias como
   datos (``codec``); después ejecuta las pruebas públicas de esas funciones (el
   código del cuaderno del profesor, sin la parte oculta) con las mismas auxiliares.
   Las auxiliares nunca traen código de referencia: o son las que da el propio
   cuaderno en una celda de solo lectura (``dadas``, su código llega con la fase) o
   son apoderados (``apoderadas``) que envían sus argumentos al calificador
   (mensaje ``llamada``) y esperan en el tubo de órdenes el resultado (``respuesta``),
   que el calificador calcula en su proceso. Orden ``fin``: termina.

Nada de lo que este proceso dice se toma como verdad: el calificador decide
cuándo termina una fase, qué respuestas cuentan, a qué llamadas contesta, si
cambiaron las entradas y si un resultado es correcto. El gancho de auditoría
solo sirve de aviso.
"""
import builtins
import importlib.util
import io
import json
import os
import resource
import signal
import sys

CARPETA = os.path.dirname(os.path.abspath(__file__))


_MODULOS = {}


def _cargar(nombre):
    """Módulo ``nombre`` (ejecucion, codec, restricciones, vigilante) de la carpeta del corredor, cargado una vez."""
    if nombre not in _MODULOS:
        spec = importlib.util.spec_from_file_location(nombre, os.path.join(CARPETA, nombre + ".py"))
        modulo = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(modulo)
        _MODULOS[nombre] = modulo
    return _MODULOS[nombre]


def precargar():
    """Carga los módulos del corredor (lo llama el servidor de procesos calientes antes de bifurcarse)."""
    for nombre in ("ejecucion", "codec", "restricciones", "vigilante"):
        _cargar(nombre)


class TiempoAgotado(BaseException):
    """Se lanza en el código del estudiante cuando vence el límite de tiempo."""


class SalidaCapada(io.TextIOBase):
    """Sustituto de stdout/stderr que guarda como mucho ``limite`` caracteres."""

    def __init__(self, limite):
        self.limite, self.partes, self.total = limite, [], 0

    def writable(self):
        return True

    def write(self, texto):
        texto = str(texto)
        if self.total < self.limite:
            self.partes.append(texto[: self.limite - self.total])
        self.total += len(texto)
        return len(texto)

    def texto(self):
        return "".join(self.partes)


class Canal:
    """Mensajes hacia el calificador (``fd``) y órdenes y respuestas suyas (``ordenes``, un fichero de texto)."""

    def __init__(self, fd, ordenes=None):
        self.fd, self.ordenes, self.llamadas = fd, ordenes, 0

    def enviar(self, mensaje):
        datos = (json.dumps(mensaje, ensure_ascii=True) + "\n").encode()
        while datos:
            escrito = os.write(self.fd, datos)
            datos = datos[escrito:]

    def orden(self):
        """Siguiente orden (las respuestas que llegan tarde, de llamadas ya interrumpidas, se saltan)."""
        for linea in self.ordenes:
            orden = json.loads(linea)
            if orden.get("tipo") != "respuesta":
                return orden
        return {"tipo": "fin"}

    def llamar(self, nombre, args, kwargs, codec):
        """Pide al calificador ``nombre(*args, **kwargs)`` y espera su respuesta (la de esta llamada)."""
        self.llamadas += 1
        numero = self.llamadas
        self.enviar({"tipo": "llamada", "id": numero, "funcion": nombre,
                     "args": [codec.codificar(a) for a in args],
                     "kwargs": {str(k): codec.codificar(v) for k, v in kwargs.items()}})
        while True:
            linea = self.ordenes.readline()
            if not linea:
                os._exit(0)  # el calificador cerró el canal: no queda nada que hacer
            respuesta = json.loads(linea)
            if respuesta.get("tipo") == "respuesta" and respuesta.get("id") == numero:
                break
        if "error" in respuesta:
            raise _excepcion(respuesta["error"])
        return codec.decodificar(respuesta.get("resultado"))


def _excepcion(error):
    """Excepción que el calificador devolvió para una llamada: su tipo (si es de Python) y su mensaje."""
    tipo = getattr(builtins, str(error.get("tipo", "")), None)
    if not (isinstance(tipo, type) and issubclass(tipo, Exception)):
        tipo = RuntimeError
    try:
        return tipo(str(error.get("mensaje", "")))
    except Exception:  # un tipo que no se crea con un solo texto
        return RuntimeError(str(error.get("mensaje", "")))


def apoderado(canal, codec, nombre):
    """Auxiliar ``nombre`` que calcula el calificador: aquí solo hay su nombre, nunca su código."""

    def auxiliar(*args, **kwargs):
        return canal.llamar(nombre, args, kwargs, codec)

    auxiliar.__name__ = auxiliar.__qualname__ = nombre
    return auxiliar


def auxiliares(orden, espacio, canal, codec, tiempo_max):
    """{nombre: función} de las auxiliares de una fase: las que da el cuaderno, las del estudiante que
    ya superaron sus casos (``propias``) y los apoderados."""
    dadas = {"__name__": "dadas", "__builtins__": __builtins__}
    viejo_out, viejo_err = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = SalidaCapada(1000)
    try:
        _temporizar(tiempo_max)
        try:
            for codigo in orden.get("dadas", []):
                exec(compile(codigo, "<celda dada>", "exec"), dadas)
        finally:
            _parar_temporizador()
    except BaseException:  # solo si el estudiante rompió el entorno (numpy…): sin esas auxiliares
        pass
    finally:
        sys.stdout, sys.stderr = viejo_out, viejo_err
    referencias = {n: f for n, f in dadas.items() if callable(f) and not n.startswith("__")}
    referencias.update({n: espacio[n] for n in orden.get("propias", []) if callable(espacio.get(n))})
    referencias.update({n: apoderado(canal, codec, n) for n in orden.get("apoderadas", [])})
    return referencias


def _limitar(cfg):
    for nombre, valor in (("RLIMIT_AS", cfg["memoria"]), ("RLIMIT_CPU", cfg["cpu"]),
                          ("RLIMIT_FSIZE", cfg["fichero"]), ("RLIMIT_CORE", 0),
                          ("RLIMIT_NOFILE", 256)):
        limite = getattr(resource, nombre, None)
        if limite is not None:
            try:
                resource.setrlimit(limite, (valor, valor))
            except (ValueError, OSError):
                pass
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # un fichero demasiado grande da error, no mata


def _resumen_error(error):
    try:
        texto = f"{type(error).__name__}: {error}"
    except BaseException:  # un __str__ hostil
        texto = type(error).__name__
    return texto[:2000]  # el calificador lo acorta para el informe (calificacion.limpiar)


class _IPythonMinimo:
    """Lo que llama el código convertido por el transformador de IPython: las órdenes mágicas,
    de sistema y de ayuda (``%``, ``!``, ``?``) no hacen nada al calificar."""

    def getoutput(self, *args, **kwargs):
        return []

    def __getattr__(self, nombre):
        return lambda *args, **kwargs: None


_IPYTHON = _IPythonMinimo()


def get_ipython():
    return _IPYTHON


def _temporizar(segundos):
    signal.setitimer(signal.ITIMER_REAL, segundos)


def _parar_temporizador():
    signal.setitimer(signal.ITIMER_REAL, 0)


def _alarma(signum, frame):
    raise TiempoAgotado()


def ejecutar_celdas(celdas, espacio, canal, tiempo_max):
    for indice, fuente in celdas:
        canal.enviar({"tipo": "celda", "i": indice})
        error = None
        tiempo = False
        try:
            codigo = compile(fuente, f"<celda {indice}>", "exec")
            _temporizar(tiempo_max)
            try:
                exec(codigo, espacio)
            finally:
                _parar_temporizador()
        except TiempoAgotado:
            tiempo = True
            error = f"superó el tiempo máximo por celda ({tiempo_max:g} s)"
        except NotImplementedError:
            error = "NotImplementedError: la celda aún no está hecha"
        except SystemExit:
            error = "llamó a sys.exit() / exit()"
        except KeyboardInterrupt:
            error = "se interrumpió (KeyboardInterrupt)"
        except MemoryError:
            error = "MemoryError: superó el límite de memoria"
        except BaseException as e:  # cualquier error del estudiante queda en su celda
            error = _resumen_error(e)
        canal.enviar({"tipo": "celda_fin", "i": indice, "error": error, "tiempo": tiempo})


def ejecutar_caso(caso, espacio, referencias, ejecucion, codec, tiempo_max):
    """Ejecuta un caso; devuelve el mensaje de respuesta."""
    import numpy as np

    funcion = caso["funcion"]
    respuesta = {"tipo": "caso", "id": caso["id"]}
    if not callable(espacio.get(funcion)):
        respuesta["falta"] = True
        return respuesta
    args = tuple(codec.decodificar(a, ejecucion.FuncionPrueba) for a in caso["args"])
    guardadas = {n: espacio[n] for n in caso["inyectar"] if n in espacio}
    espacio.update({n: referencias[n] for n in caso["inyectar"] if n in referencias})
    viejo_out, viejo_err = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = SalidaCapada(10_000)
    try:
        copias = ejecucion.copias_de(args)
        _temporizar(tiempo_max)
        try:
            with np.errstate(all="ignore"):
                obtenido = ejecucion.aplicar(funcion, copias, espacio)
        finally:
            _parar_temporizador()
        respuesta["resultado"] = codec.codificar(obtenido, ejecucion.FuncionPrueba)
        # Las entradas tal como quedaron: el calificador decide si cambiaron.
        respuesta["entradas"] = [{"t": "none"} if callable(c) else codec.codificar(c) for c in copias]
    except TiempoAgotado:
        respuesta["tiempo"] = True
    except NotImplementedError:
        respuesta["no_implementada"] = True
    except BaseException as e:
        respuesta["error"] = _resumen_error(e)
    finally:
        sys.stdout, sys.stderr = viejo_out, viejo_err
        for n in caso["inyectar"]:
            if n in guardadas:
                espacio[n] = guardadas[n]
            else:
                espacio.pop(n, None)
    return respuesta


def ejecutar_publica(prueba, espacio, espacio_pruebas, referencias, tiempo_max):
    """Ejecuta las pruebas públicas de una función (código del profesor) con las auxiliares de sus casos.

    Como en el cuaderno, las celdas de pruebas comparten variables entre sí
    (``espacio_pruebas``), pero no pisan las del estudiante (``espacio``).
    """
    import numpy as np

    respuesta = {"tipo": "caso", "id": prueba["id"]}
    guardadas = {n: espacio[n] for n in prueba["inyectar"] if n in espacio}
    guardadas_pruebas = {n: espacio_pruebas[n] for n in prueba["inyectar"] if n in espacio_pruebas}
    espacio.update({n: referencias[n] for n in prueba["inyectar"] if n in referencias})
    espacio_pruebas.update({n: referencias[n] for n in prueba["inyectar"] if n in referencias})
    viejo_out, viejo_err = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = SalidaCapada(10_000)
    try:
        codigo = compile(prueba["codigo"], "<pruebas públicas>", "exec")
        _temporizar(tiempo_max)
        try:
            with np.errstate(all="ignore"):
                exec(codigo, espacio_pruebas)
        finally:
            _parar_temporizador()
    except TiempoAgotado:
        respuesta["tiempo"] = True
    except NotImplementedError:
        respuesta["no_implementada"] = True
    except AssertionError as e:
        respuesta["fallo"] = _resumen_error(e).split(": ", 1)[-1] or "una comprobación no se cumple"
    except BaseException as e:
        respuesta["error"] = _resumen_error(e)
    finally:
        sys.stdout, sys.stderr = viejo_out, viejo_err
        for destino, previas in ((espacio, guardadas), (espacio_pruebas, guardadas_pruebas)):
            for n in prueba["inyectar"]:
                if n in previas:
                    destino[n] = previas[n]
                else:
                    destino.pop(n, None)
    return respuesta


def _confinar(cfg, canal, restricciones, vigilancia):
    """Capacidades, Landlock, seccomp y gancho de auditoría; devuelve (vigilante, avisos)."""
    trabajo = os.getcwd()
    avisos = []
    problema = restricciones.quitar_capacidades()
    if problema:
        avisos.append(problema)
    if cfg.get("landlock", True):
        problema = restricciones.restringir(cfg["lectura"], cfg["escritura"])
        if problema:
            avisos.append(problema)
    if cfg.get("sin_procesos", True):
        problema = restricciones.prohibir_procesos()
        if problema:
            avisos.append(problema)
    vigilante = vigilancia.Vigilante(canal, trabajo, cfg["lectura"] if cfg.get("landlock", True) else ())
    sys.addaudithook(vigilante)
    return vigilante, avisos


def _celdas(orden, canal, vigilante):
    """Ejecuta las celdas del estudiante; devuelve su espacio de nombres."""
    import numpy as np

    tiempo_max = float(orden["tiempo_max"])
    originales = {n: getattr(np, n) for n in ("allclose", "isclose", "array_equal")}
    originales.update({"testing." + n: getattr(np.testing, n) for n in dir(np.testing)
                       if n.startswith("assert_")})
    espacio = {"__name__": "__main__", "__builtins__": __builtins__, "get_ipython": get_ipython}
    salida = SalidaCapada(100_000)
    sys.stdout = sys.stderr = salida
    vigilante.activo = True
    ejecutar_celdas(orden["celdas"], espacio, canal, tiempo_max)
    vigilante.activo = False
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    cambiadas = [n for n, f in originales.items()
                 if (np.testing if n.startswith("testing.") else np).__dict__.get(n.split(".")[-1]) is not f]
    if cambiadas:
        canal.enviar({"tipo": "evento", "texto": "redefine auxiliares de numpy usados para comparar: "
                      + ", ".join("np." + n for n in sorted(cambiadas)[:5])})
    canal.enviar({"tipo": "listo", "salida": salida.total})
    return espacio


class _Fases:
    """Lo que dura entre fases: el espacio del estudiante, el de las pruebas públicas y las funciones agotadas."""

    def __init__(self, canal, espacio, tiempo_max):
        self.canal, self.espacio, self.tiempo_max = canal, espacio, tiempo_max
        self.espacio_pruebas, self.agotadas = None, set()

    def ejecutar(self, orden, ejecucion, codec):
        """Una fase: los casos ocultos y después las pruebas públicas, con las auxiliares de la fase."""
        referencias = auxiliares(orden, self.espacio, self.canal, codec, self.tiempo_max)
        for caso in orden["casos"]:
            self._responder(caso, lambda c: ejecutar_caso(c, self.espacio, referencias, ejecucion, codec,
                                                          self.tiempo_max))
        for prueba in orden.get("previas", []):  # ya calificadas en otro intento: solo recrean sus variables
            self.canal.enviar({"tipo": "latido"})  # el calificador mide el plazo desde el último mensaje
            self._publica(prueba, referencias)
        for prueba in orden.get("publicas", []):
            self._responder(prueba, lambda p: self._publica(p, referencias))

    def _responder(self, caso, ejecutar):
        self.canal.enviar({"tipo": "caso_inicio", "id": caso["id"]})
        if caso["funcion"] in self.agotadas:  # no se gasta otra vez el tiempo con la misma función
            self.canal.enviar({"tipo": "caso", "id": caso["id"], "tiempo": True})
            return
        respuesta = ejecutar(caso)
        if respuesta.get("tiempo"):
            self.agotadas.add(caso["funcion"])
        self.canal.enviar(respuesta)

    def _publica(self, prueba, referencias):
        if self.espacio_pruebas is None:
            self.espacio_pruebas = dict(self.espacio)
        return ejecutar_publica(prueba, self.espacio, self.espacio_pruebas, referencias, self.tiempo_max)


def main():
    fd_ordenes, fd_mensajes = int(sys.argv[1]), int(sys.argv[2])
    cfg = json.loads(sys.argv[3])
    _limitar(cfg)
    ejecucion = _cargar("ejecucion")
    codec = _cargar("codec")
    restricciones = _cargar("restricciones")
    vigilancia = _cargar("vigilante")
    canal = Canal(fd_mensajes, os.fdopen(fd_ordenes, "r", encoding="utf-8"))
    import numpy as np  # noqa: F401  (antes de encerrarse: numpy carga sus bibliotecas)
    if cfg.get("paquetes"):
        sys.path.insert(1, cfg["paquetes"])  # la copia de los paquetes del curso (herramientas)
    # `make entorno` instala el curso en modo editable: su buscador (sys.meta_path) apunta al repositorio.
    # Aquí no pinta nada: el estudiante solo ve la copia de herramientas, y `import solutions` no existe.
    sys.meta_path[:] = [b for b in sys.meta_path if not getattr(b, "__module__", "").startswith("__editable__")]
    vigilante, avisos = _confinar(cfg, canal, restricciones, vigilancia)
    canal.enviar({"tipo": "inicio", "avisos": avisos})
    orden = canal.orden()
    signal.signal(signal.SIGALRM, _alarma)
    fases = _Fases(canal, _celdas(orden, canal, vigilante), float(orden["tiempo_max"]))
    while (orden := canal.orden())["tipo"] != "fin":
        vigilante.activo = True
        fases.ejecutar(orden, ejecucion, codec)
        vigilante.activo = False
    os._exit(0)


if __name__ == "__main__":
    main()
