"""Lanza y dirige el proceso aislado de una entrega (lado del calificador).

El proceso aislado es ``python -I corredor.py`` en una carpeta temporal propia,
con un entorno mínimo, límites de ``resource``, sin capacidades de root y
encerrado con Landlock cuando el núcleo lo permite. El calificador le envía
órdenes y lee sus mensajes (JSON) con plazos: si una celda o un caso no
responde a tiempo, o el proceso muere, se mata su grupo de procesos y se
relanza (con carpetas de trabajo nuevas) saltando esa celda o ese caso, hasta
``INTENTOS`` veces. Lo que el proceso dice no se cree: cada texto se recorta al
recibirlo, hay un presupuesto total de bytes y de objetos por mensaje, y el fin de
cada fase lo decide el calificador (ver ``Sesion``). Las auxiliares de referencia
que piden los casos se calculan aquí (``referencias.Auxiliares``): al proceso
aislado solo llegan sus resultados, nunca su código.
"""
import time
from dataclasses import dataclass, field

from .. import etapas
# Lo que las etapas de arriba usan de la carpeta y del proceso, también desde aquí.
from .carpeta import (FICHEROS, PAQUETES, RAIZ, crear_cache_matplotlib, entorno_minimo,  # noqa: F401
                      preparar_carpeta, rutas_de_lectura)
from . import vigilante
from .mensajes import MAX_RECIBIDO, Caida
from .proceso import CANCELADO, GRACIA, Cancelado, Proceso, matar_todos  # noqa: F401

INTENTOS = 4


@dataclass
class Limites:
    tiempo_celda: float = 60.0
    tiempo_total: float = 600.0
    memoria: int = 2 * 1024 ** 3
    fichero: int = 64 * 1024 ** 2
    landlock: bool = True


@dataclass
class Ejecucion:
    """Lo que se sabe tras ejecutar una entrega en el proceso aislado."""

    celdas: dict = field(default_factory=dict)  # etiqueta -> {"error": str|None, "tiempo": bool}
    casos: dict = field(default_factory=dict)  # id -> mensaje de respuesta
    eventos: list = field(default_factory=list)
    caidas: list = field(default_factory=list)
    avisos: list = field(default_factory=list)
    agotado: bool = False
    #: casos y pruebas públicas respondidos por un proceso que ya había recibido resultados de
    #: referencia: de su texto solo vale lo que permite ``texto_acotado``.
    acotados: set = field(default_factory=set)
    llamadas: int = 0  # llamadas a auxiliares de referencia atendidas


class Sesion(Proceso):
    """Ejecuta un programa (celdas) y sus fases de casos en procesos aislados.

    El proceso aislado miente si quiere: aquí se decide cuándo termina cada fase (cuando
    todos sus casos tienen respuesta), qué respuestas valen (solo las de casos pendientes
    de la fase en curso, la primera) y a qué llamadas de auxiliares de referencia se
    contesta (solo a las de la fase en curso, que ``auxiliares`` calcula aquí; una función
    calificada solo se atiende cuando todos sus casos tienen ya resultado definitivo).
    Desde la primera respuesta a una llamada, lo que diga ese proceso se marca como
    acotado (``Ejecucion.acotados``): puede llevar resultados de la referencia.
    """

    def __init__(self, carpeta, limites, auxiliares=None, verificada=None):
        """``auxiliares`` calcula las llamadas de los apoderados; ``verificada(nombre)`` dice si una función
        calificada ya superó todos sus casos y sus pruebas públicas: entonces sus llamadas las atiende
        la propia función del estudiante, en su proceso (``propias``), sin idas y vueltas."""
        super().__init__(carpeta, limites)
        self.auxiliares = auxiliares
        self.verificada = verificada or (lambda nombre: False)
        self.resultado = Ejecucion()

    def _recibir(self, plazo):
        """Siguiente mensaje en ``plazo`` segundos (los eventos se anotan aquí y no cuentan)."""
        return self._recibir_hasta(time.monotonic() + plazo)

    def _recibir_hasta(self, limite):
        while True:
            mensaje = self.lector.leer(min(self._limite_total(), limite))
            if mensaje.get("tipo") == "evento":
                texto = str(mensaje.get("texto") or "")[:300]
                if self.con_referencia:
                    texto = vigilante.evento_acotado(texto)
                if texto not in self.resultado.eventos and len(self.resultado.eventos) < 20:
                    self.resultado.eventos.append(texto)
                continue
            return mensaje

    def _atender(self, mensaje, permitidas, limite):
        """Contesta una llamada a una auxiliar de referencia (calculada aquí) por el tubo de órdenes."""
        inicio = time.perf_counter()
        if self.auxiliares is None:
            respuesta = {"error": {"tipo": "RuntimeError", "mensaje": "no hay auxiliares de referencia"}}
        else:
            respuesta = self.auxiliares.responder(mensaje, permitidas)
        numero = mensaje.get("id")
        respuesta.update(tipo="respuesta", id=numero if isinstance(numero, int) else None)
        self.con_referencia = True
        self.resultado.llamadas += 1
        try:
            self._enviar(respuesta, limite)
        finally:
            etapas.sumar("referencias", time.perf_counter() - inicio)
            etapas.sumar("llamadas", 1)

    def _cerrar_casos(self, funciones, casos_de):
        """Da por definitivos (sin respuesta = fallados) los casos de ``funciones`` antes de atender sus llamadas."""
        for f in funciones:
            for id_ in casos_de.get(f, ()):
                self.resultado.casos.setdefault(id_, {"tipo": "caso", "id": id_, "sin_respuesta": True})

    def _celdas(self, celdas, saltar):
        """Envía las celdas y espera ``listo``; devuelve la celda en curso si se cae."""
        enviadas = [c for c in celdas if c[0] not in saltar]
        etiquetas = {str(c[0]) for c in enviadas}
        self._enviar({"tiempo_max": self.limites.tiempo_celda, "celdas": enviadas})
        while True:
            mensaje = self._recibir(self.limites.tiempo_celda + GRACIA)
            tipo, etiqueta = mensaje.get("tipo"), str(mensaje.get("i"))
            if tipo == "celda" and etiqueta in etiquetas:
                self.actual = ("celda", etiqueta)
            elif tipo == "celda_fin" and etiqueta in etiquetas:
                self.resultado.celdas[etiqueta] = {"error": mensaje.get("error"), "tiempo": bool(mensaje.get("tiempo"))}
                self.actual = None
            elif tipo == "listo":
                return

    def _fases(self, fases, casos_de):
        previas, permitidas = [], set()  # pruebas públicas ya hechas en otro intento; auxiliares atendidas
        for fase in fases:
            # Las de la fase en curso y las de las anteriores (ya cerradas), que usan sus pruebas públicas.
            permitidas |= set(fase.get("apoderadas", ()))
            ids = [c["id"] for c in fase["casos"]] + [p["id"] for p in fase.get("publicas", [])]
            pendientes = {i for i in ids if i not in self.resultado.casos}
            if not pendientes:
                previas += fase.get("publicas", [])
                continue
            self._cerrar_casos(fase.get("inyectadas", ()), casos_de)
            propias = {n for n in permitidas if n in casos_de and self.verificada(n)}
            permitidas -= propias
            self._enviar({"tipo": "fase", "dadas": fase.get("dadas", []), "apoderadas": sorted(permitidas),
                          "propias": sorted(propias),
                          "casos": [c for c in fase["casos"] if c["id"] in pendientes],
                          "publicas": [p for p in fase.get("publicas", []) if p["id"] in pendientes],
                          "previas": previas + [p for p in fase.get("publicas", []) if p["id"] not in pendientes]})
            previas = []
            self._esperar_fase(pendientes, permitidas)

    def _esperar_fase(self, pendientes, permitidas):
        """La fase termina cuando el calificador tiene todas sus respuestas.

        El plazo de cada caso cuenta desde que empieza (``caso_inicio``) y las llamadas a
        auxiliares no lo alargan: el tiempo de la referencia cuenta como tiempo del caso.
        """
        plazo = self.limites.tiempo_celda + GRACIA
        limite = time.monotonic() + plazo
        while pendientes:
            mensaje = self._recibir_hasta(limite)
            tipo, id_ = mensaje.get("tipo"), mensaje.get("id")
            if tipo == "llamada":
                self._atender(mensaje, permitidas, limite)
                continue
            if tipo == "latido":  # empieza una prueba pública de un intento anterior
                limite = time.monotonic() + plazo
            if id_ not in pendientes or not isinstance(id_, str):
                continue  # respuestas de otros casos, repetidas o inventadas: no cuentan
            limite = time.monotonic() + plazo
            if tipo == "caso_inicio":
                self.actual = ("caso", id_)
            elif tipo == "caso":
                self.resultado.casos[id_] = mensaje
                if self.con_referencia:
                    self.resultado.acotados.add(id_)
                pendientes.discard(id_)
                self.actual = None

    def ejecutar(self, celdas, fases):
        """Ejecuta ``celdas`` [(etiqueta, código)] y luego cada fase.

        Una fase es {"inyectadas", "dadas", "apoderadas", "casos", "publicas"}: ``inyectadas`` (solo
        para el calificador) son las auxiliares de sus casos; ``dadas``, el código de las celdas de
        solo lectura del cuaderno que definen algunas; ``apoderadas``, las que se calculan aquí.
        """
        saltar = set()
        casos_de = {}
        for fase in fases:
            for c in fase["casos"]:
                casos_de.setdefault(c["funcion"], []).append(c["id"])
            for p in fase.get("publicas", []):
                casos_de.setdefault(p["funcion"], []).append(p["id"])
        self._presupuesto = MAX_RECIBIDO
        for _ in range(INTENTOS):
            if time.monotonic() >= self._limite_total():
                self.resultado.agotado = True
                break
            self.actual = None  # ("celda", etiqueta) o ("caso", id)
            marca = time.perf_counter()
            self._lanzar()
            try:
                try:
                    mensaje = self._recibir(30)
                finally:
                    marca = self._etapa("arranque", marca)
                if mensaje.get("tipo") != "inicio":
                    raise Caida("no arrancó correctamente")
                for aviso in mensaje.get("avisos", [])[:10]:
                    if str(aviso)[:200] not in self.resultado.avisos:
                        self.resultado.avisos.append(str(aviso)[:200])
                try:
                    self._celdas(celdas, saltar)
                finally:
                    marca = self._etapa("celdas", marca)
                try:
                    self._fases(fases, casos_de)
                finally:
                    marca = self._etapa("casos", marca)
                self._enviar({"tipo": "fin"})
                self._matar()
                return self.resultado
            except Caida as caida:
                if CANCELADO.is_set():
                    self._matar()
                    raise Cancelado() from None
                if self._caida(caida, saltar):
                    break
        self._matar()
        return self.resultado

    @staticmethod
    def _etapa(nombre, marca):
        ahora = time.perf_counter()
        etapas.sumar(nombre, ahora - marca)
        return ahora

    def _caida(self, caida, saltar):
        """Anota una caída y mata el proceso; cierto si no tiene sentido relanzarlo."""
        motivo = caida.motivo
        if motivo == "tiempo" and time.monotonic() >= self._limite_total():
            self.resultado.agotado = True
            motivo = f"superó el tiempo total por entrega ({self.limites.tiempo_total:g} s)"
        elif motivo == "tiempo":
            motivo = f"no respondió en {self.limites.tiempo_celda:g} s"
        elif motivo == "fin":
            motivo = self._motivo_fin()
        self._matar()
        actual = self.actual
        if actual and actual[0] == "celda":
            saltar.add(actual[1])
            self.resultado.celdas[str(actual[1])] = {"error": motivo, "tiempo": caida.tiempo, "caida": True}
            self.resultado.caidas.append(f"celda {actual[1]}: {motivo}")
        elif actual and actual[0] == "caso":
            self.resultado.casos[actual[1]] = {"tipo": "caso", "id": actual[1], "caida": motivo,
                                              "tiempo": caida.tiempo}
            if self.con_referencia:
                self.resultado.acotados.add(actual[1])
            self.resultado.caidas.append(f"un caso de prueba: {motivo}")
        else:
            self.resultado.caidas.append(motivo)
            if self.resultado.agotado or (not self.resultado.celdas and not self.resultado.casos):
                return True
        return caida.final
