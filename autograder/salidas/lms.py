"""Lo que rodea a la calificación: lista de clase, datos de las descargas de Moodle y Canvas, y salidas.

``Destinos`` lee (antes de calificar, para fallar pronto) la lista de clase, la hoja de Moodle y el
libro de Canvas; completa la lista de entregas con los estudiantes que no entregaron; anota en cada
resultado nombre, correo, fecha de entrega, retraso y reenvío; y escribe ``calificaciones.xlsx``,
``moodle/hoja-calificada.csv``, ``moodle/retroalimentacion.zip`` y ``canvas/calificaciones-canvas.csv``.
"""
from dataclasses import dataclass, field
from pathlib import Path

from . import canvas
from . import hoja_calculo
from ..recogida import lista
from . import moodle
from ..recogida.entregas import Entrega
from ..recogida.fechas import texto_fecha
from ..texto import limpio
from ..recogida import nombres_canvas
from ..recogida.fechas_lms import fecha_de_hoja


class EntradaInvalida(Exception):
    """Un fichero de --lista, --moodle o --canvas no se puede usar (mensaje en español)."""


def _corto(ids, n=10):
    ids = sorted(ids)
    return ", ".join(ids[:n]) + (f" y {len(ids) - n} más" if len(ids) > n else "")


def _avisos_de(informe, donde):
    """Avisos de un informe de ``moodle.rellenar`` o ``canvas.escribir_importacion``."""
    avisos = []
    if informe["sin_fila"]:
        avisos.append(f"Aviso: {len(informe['sin_fila'])} entregas no tienen fila en {donde} "
                      f"({_corto(informe['sin_fila'])}); su nota no se subirá. ¿Es el fichero de esta tarea?")
    if informe["sin_cambiar"]:
        avisos.append(f"Aviso: la nota de {len(informe['sin_cambiar'])} entregas sospechosas "
                      f"({_corto(informe['sin_cambiar'])}) no se escribió en {donde}: revísalas a mano.")
    return avisos


@dataclass
class Destinos:
    alumnos: list = None
    hoja: object = None
    escala: float = None  # sin --escala: la «Calificación máxima» de la hoja (o 10)
    zona: object = None  # zona horaria del calendario: la de las fechas de la hoja de Moodle
    canvas: str = None
    canvas_columna: str = None
    datos_hoja: dict = field(default_factory=dict)
    de_moodle: set = field(default_factory=set)  # estudiantes con nombre de la descarga de Moodle
    nombres_canvas: dict = field(default_factory=dict)  # {id: «García López, Ana»} del libro de Canvas

    @classmethod
    def leer(cls, args):
        destinos = cls(escala=args.escala, canvas=args.canvas, canvas_columna=args.canvas_columna)
        try:
            if args.lista:
                destinos.alumnos = lista.leer(args.lista)
            if args.moodle:
                destinos.hoja = moodle.leer_hoja(args.moodle)
                destinos.datos_hoja = moodle.datos_de_hoja(destinos.hoja)
            if args.canvas:
                canvas.leer_libro(args.canvas, args.canvas_columna)
                destinos.nombres_canvas = nombres_canvas.leer(args.canvas)
        except (lista.ListaInvalida, moodle.HojaInvalida, canvas.LibroInvalido) as error:
            raise EntradaInvalida(str(error)) from None
        return destinos

    def completar(self, entregas):
        """Añade una entrega vacía por cada alumno de la lista sin entrega; devuelve (entregas, ajenos)."""
        if self.alumnos is None:
            return entregas, []
        presentes = {e.estudiante for e in entregas}
        nuevas = [Entrega(a.id) for a in self.alumnos if a.id not in presentes]
        ids = {a.id for a in self.alumnos}
        ajenos = sorted(e.estudiante for e in entregas if e.estudiante not in ids)
        return sorted(entregas + nuevas, key=lambda e: e.estudiante), ajenos

    def anotar(self, resultados, entregas):
        """Añade a cada resultado nombre, correo, fecha (UTC), tarde y reenvío.

        Todo sale de lo que escribe el LMS (la parte del nombre que lee ``entregas.identidad``), de la
        lista de clase y de la hoja de Moodle; los textos pasan por ``texto.limpio``.
        """
        alumnos = {a.id: a for a in self.alumnos or []}
        por_id = {e.estudiante: e for e in entregas}
        for r in resultados:
            entrega = por_id.get(r["estudiante"])
            leida = entrega.identidad if entrega is not None else None
            de_moodle = leida if leida is not None and leida.sistema == "moodle" else None
            de_canvas = leida if leida is not None and leida.sistema.startswith("canvas") else None
            if de_moodle:
                self.de_moodle.add(r["estudiante"])
            de_hoja = self.datos_hoja.get(r["estudiante"], {})
            alumno = alumnos.get(r["estudiante"])
            r["nombre"] = limpio((alumno.nombre if alumno else "") or de_hoja.get("nombre")
                                 or (de_moodle.nombre if de_moodle else "")
                                 or self.nombres_canvas.get(r["estudiante"]) or "").strip()
            if alumno and (alumno.nombre_pila or alumno.apellidos):  # columnas separadas de la lista
                r["nombre_pila"], r["apellidos"] = limpio(alumno.nombre_pila), limpio(alumno.apellidos)
            r["correo"] = limpio((alumno.correo if alumno else "") or de_hoja.get("correo") or "").strip()
            r["tarde"] = bool((de_canvas and de_canvas.tarde) or de_hoja.get("tarde"))
            r["reenvio"] = de_canvas.reenvio if de_canvas else 0
            con_fecha = entrega is not None and entrega.cuaderno is not None and r["estado"] != "sin_entrega"
            r["fecha"] = entrega.fecha if con_fecha else None
            if con_fecha:  # la «Última modificación (entrega)» de la hoja de Moodle, si la da
                r["fecha"] = fecha_de_hoja(de_hoja.get("entregada"), self.zona) or r["fecha"]
            r["fecha_entrega"] = texto_fecha(r["fecha"])

    def escribir(self, resultados, taller, salida, ajenos):
        """Escribe las salidas para Excel, Moodle y Canvas; devuelve los avisos para el profesor."""
        avisos = []
        salida = Path(salida)
        hoja_calculo.escribir(resultados, taller, salida / "calificaciones.xlsx")
        if ajenos:
            avisos.append(f"Aviso: {len(ajenos)} entregas no están en la lista de clase ({_corto(ajenos)}); "
                          "se calificaron igualmente: revisa sus identificadores.")
        if self.hoja is not None:
            maxima = self.hoja.maxima()
            escala = self.escala or maxima or 10.0
            informe = moodle.rellenar(self.hoja, resultados, escala, salida / "moodle" / "hoja-calificada.csv")
            if self.escala and maxima is not None and maxima < self.escala:
                avisos.append(f"Aviso: la tarea de Moodle califica sobre {maxima:g} y las notas se escribieron sobre "
                              f"{self.escala:g}: Moodle rechazará las mayores de {maxima:g}. Usa --escala {maxima:g}.")
            avisos += _avisos_de(informe, "la hoja de Moodle")
        if self.hoja is not None or self.de_moodle:
            nombres = {p: d["nombre"] for p, d in self.datos_hoja.items()}
            nombres.update({r["estudiante"]: r["nombre"] for r in resultados
                            if r.get("nombre") and r["estudiante"] not in nombres})
            moodle.zip_retroalimentacion(resultados, nombres, salida / "retroalimentacion", taller,
                                         salida / "moodle" / "retroalimentacion.zip")
        if self.canvas:
            informe = canvas.escribir_importacion(self.canvas, self.canvas_columna, resultados,
                                                  salida / "canvas" / "calificaciones-canvas.csv")
            avisos += _avisos_de(informe, "el libro de Canvas")
        return avisos
