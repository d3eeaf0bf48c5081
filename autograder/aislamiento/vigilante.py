"""Gancho de auditoría del proceso aislado: avisa de accesos que delatan una trampa.

Se copia al proceso aislado junto con ``corredor.py`` (solo usa la biblioteca estándar). El
calificador usa ``Vigilante.PALABRAS`` y ``Vigilante.CARPETAS`` para reducir un aviso a su clase
(``evento_acotado``).
"""
import os
import re


class Vigilante:
    """Gancho de auditoría: avisa (una vez por motivo) de accesos que delatan una trampa.

    Solo es un aviso: el código del estudiante puede desactivarlo o esquivarlo. Lo que
    protege el curso es Landlock (no puede leerlo) y que el calificador no se fía del proceso.
    Las rutas que Landlock deja leer (intérprete, biblioteca estándar, paquetes) no se
    vigilan: un entorno instalado en una ruta con «nbgrader» no es una trampa.
    """

    PALABRAS = ("solutions", "verificacion", "gradebook", "nbgrader", ".ipynb")
    CARPETAS = ("source", "submitted", "autograded", "release", "feedback", "exercises")

    def __init__(self, canal, trabajo, permitidas=()):
        self.canal, self.trabajo, self.vistos, self.activo = canal, trabajo, set(), False
        self.permitidas = tuple(os.path.normpath(r) for r in permitidas)
        self.ancestros = set()
        ruta = os.path.dirname(trabajo)
        while True:
            self.ancestros.add(ruta)
            padre = os.path.dirname(ruta)
            if padre == ruta:
                break
            ruta = padre

    def avisar(self, texto):
        if texto not in self.vistos and len(self.vistos) < 20:
            self.vistos.add(texto)
            self.canal.enviar({"tipo": "evento", "texto": texto})

    def __call__(self, evento, argumentos):
        if not self.activo:
            return
        try:
            if evento == "import":
                raiz = str(argumentos[0]).split(".")[0]
                if raiz in ("solutions", "nbgrader"):
                    self.avisar(f"intenta importar el paquete «{raiz}»")
            elif evento in ("open", "os.listdir", "os.scandir", "glob.glob", "os.chdir"):
                ruta = argumentos[0]
                if isinstance(ruta, int) or ruta is None:
                    return
                ruta = os.fsdecode(ruta)
                absoluta = os.path.normpath(os.path.join(self.trabajo, ruta))
                if any(absoluta == r or absoluta.startswith(r.rstrip(os.sep) + os.sep)
                       for r in (self.trabajo, *self.permitidas)):
                    return
                minuscula = absoluta.lower()
                partes = minuscula.split(os.sep)
                for palabra in self.PALABRAS + self.CARPETAS:
                    if (palabra in minuscula) if palabra in self.PALABRAS else (palabra in partes):
                        self.avisar(f"intenta acceder a «{ruta[:120]}» (ruta con «{palabra}»)")
                        return
                if absoluta in self.ancestros and evento != "open":
                    self.avisar(f"recorre carpetas fuera de su carpeta de trabajo («{ruta[:120]}»)")
        except BaseException:
            pass


_EVENTOS_FIJOS = ("intenta importar el paquete «solutions»", "intenta importar el paquete «nbgrader»")


def evento_acotado(texto):
    """Aviso del gancho de auditoría reducido a su clase (sin rutas ni texto del estudiante).

    Lo usa el calificador con lo que envía un proceso que ya tenía resultados de referencia
    (ver ``calificacion.texto_acotado``).
    """
    if texto in _EVENTOS_FIJOS:
        return texto
    ruta = re.search(r"\(ruta con «(\w+|\.ipynb)»\)$", texto)
    if texto.startswith("intenta acceder a «") and ruta and ruta.group(1) in Vigilante.PALABRAS + Vigilante.CARPETAS:
        return f"intenta acceder a una ruta con «{ruta.group(1)}»"
    if texto.startswith("recorre carpetas fuera de su carpeta de trabajo"):
        return "recorre carpetas fuera de su carpeta de trabajo"
    return "envió avisos de manipulación durante los casos ocultos"
