"""Mensajes entre el calificador y el proceso aislado, del lado del calificador.

Cada mensaje es una línea JSON. Lo que llega se lee en tiempo lineal, con un presupuesto
total de bytes por entrega, un tamaño máximo por mensaje y un número máximo de objetos
(contado antes de leerlo como JSON, sin crear ninguno), y se convierte al llegar en datos
acotados: los campos de texto en texto recortado, las listas y diccionarios limitados.
"""
import json
import os
import select
import time

MAX_LINEA = 16 * 1024 * 1024  # un mensaje (un resultado de codec.MAX_ELEMENTOS números cabe de sobra)
MAX_LISTA = 200_000  # elementos de cada lista de un mensaje (codec envía como mucho 100 000 números)
MAX_RECIBIDO = 512 * 1024 * 1024  # bytes que el calificador acepta de una entrega en total
MAX_TEXTO = 4000  # caracteres de cada texto de un mensaje (el informe los acorta más)
#: Objetos (números, listas, textos…) que puede crear un mensaje al leerse: cabe una llamada con
#: codec.MAX_ELEMENTOS números; con [[],[],…] 16 MiB crearían millones de listas (24 veces su tamaño).
MAX_OBJETOS = 400_000
#: Campos de texto de los mensajes: se convierten en texto acotado al recibirse.
CAMPOS_DE_TEXTO = ("error", "fallo", "texto")

class Caida(Exception):
    """El proceso aislado se cayó, tardó demasiado o envió algo inaceptable."""

    def __init__(self, motivo, tiempo=False, final=False):
        super().__init__(motivo)
        self.motivo, self.tiempo, self.final = motivo, tiempo, final  # final: no se relanza


def _acotar(valor, profundidad=0):
    """Mensaje recibido con cada texto recortado y sin sustitutos sueltos (se hace al recibir)."""
    if isinstance(valor, str):
        return valor[:MAX_TEXTO].encode("utf-8", "replace").decode("utf-8")
    if profundidad > 40:
        raise Caida("envió datos ilegibles al calificador")
    if isinstance(valor, list):
        return [_acotar(v, profundidad + 1) for v in valor[:MAX_LISTA]]
    if isinstance(valor, dict):
        return {_acotar(str(k)): _acotar(v, profundidad + 1) for k, v in list(valor.items())[:64]}
    return valor


def _texto(valor):
    """Un campo de texto recibido: texto recortado, ``None`` o una marca si no era texto."""
    if valor is None or isinstance(valor, str):
        return _acotar(valor)
    return "(el proceso envió algo que no es texto)"


def recibido(crudo):
    """Mensaje recibido, acotado: textos recortados, datos con listas y diccionarios limitados."""
    mensaje = {}
    for clave, valor in list(crudo.items())[:64]:
        clave = _acotar(str(clave))[:40]
        if clave in CAMPOS_DE_TEXTO:
            mensaje[clave] = _texto(valor)
        elif clave == "avisos":
            mensaje[clave] = [_texto(a) for a in valor[:10]] if isinstance(valor, list) else []
        else:
            mensaje[clave] = _acotar(valor)
    return mensaje


def _objetos(linea):
    """Cota superior de los valores que crea ``json.loads(linea)``: cada uno empieza un contenedor,
    va tras una coma o dos puntos, o es el primero (se cuenta en C, sin crear ningún objeto)."""
    return sum(linea.count(c) for c in (b"[", b"{", b",", b":")) + 1


class Lector:
    """Lee mensajes (una línea JSON cada uno) en tiempo lineal y con un presupuesto total de bytes."""

    def __init__(self, fd, presupuesto=MAX_RECIBIDO):
        self.fd, self.buffer, self.abierto = fd, bytearray(), True
        self.inicio = self.buscado = 0  # inicio de la línea en curso y hasta dónde se buscó el salto
        self.restante = presupuesto

    def _linea(self):
        fin = self.buffer.find(b"\n", self.buscado)
        if fin < 0:
            self.buscado = len(self.buffer)
            if self.buscado - self.inicio > MAX_LINEA:
                raise Caida("envió un mensaje demasiado grande")
            return None
        linea = bytes(self.buffer[self.inicio:fin])
        self.inicio = self.buscado = fin + 1
        if self.inicio > (1 << 20) and 2 * self.inicio > len(self.buffer):
            del self.buffer[:self.inicio]
            self.buscado -= self.inicio
            self.inicio = 0
        return linea

    def leer(self, limite):
        """Siguiente mensaje; ``_Caida`` si vence ``limite`` (time.monotonic) o se cierra."""
        while (linea := self._linea()) is None:
            if not self.abierto:
                raise Caida("fin")
            restante = limite - time.monotonic()
            if restante <= 0:
                raise Caida("tiempo", tiempo=True)
            listos, _, _ = select.select([self.fd], [], [], restante)
            if not listos:
                continue
            trozo = os.read(self.fd, 1 << 20)
            if not trozo:
                self.abierto = False
                continue
            self.restante -= len(trozo)
            if self.restante < 0:
                raise Caida("envió demasiados datos al calificador", final=True)
            self.buffer += trozo
        if _objetos(linea) > MAX_OBJETOS:
            raise Caida("envió un mensaje con demasiados datos")
        try:
            mensaje = json.loads(linea)
        except (ValueError, RecursionError):
            raise Caida("envió datos ilegibles al calificador") from None
        if not isinstance(mensaje, dict):
            raise Caida("envió datos ilegibles al calificador")
        try:
            return recibido(mensaje)
        except RecursionError:
            raise Caida("envió datos ilegibles al calificador") from None


def escribir(fd, datos, limite):
    vista = memoryview(datos)
    while vista:
        restante = limite - time.monotonic()
        if restante <= 0:
            raise Caida("tiempo", tiempo=True)
        _, listos, _ = select.select([], [fd], [], restante)
        if listos:
            try:
                escrito = os.write(fd, vista[:65536])
            except (BrokenPipeError, OSError):
                raise Caida("fin") from None
            vista = vista[escrito:]
