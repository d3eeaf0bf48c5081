"""Retroalimentación por estudiante y resumen del lote en HTML (en español).

Todo texto que viene de la entrega se escapa con ``html.escape``. La página de cada
estudiante la construye ``pagina_estudiante`` (jinja2): puntos por función, los fallos
agrupados por causa (los casos ocultos, solo por su descripción: el tipo de entrada, nunca
el código de la prueba) y los errores de las celdas.
"""
import html
import io
from pathlib import Path

from ..calificacion import credito
from . import informe_clase
from ..texto import cifra, limpio

ESTILO = """body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem}
th{background:#f3f3f3}.bien{color:#1a7f37}.mal{color:#b42318}code{background:#f5f5f5;padding:0 .2rem}"""
ESTILO += informe_clase.ESTILO

NOMBRES_ESTADO = {
    "ok": "calificada", "error": "con error", "tiempo_agotado": "tiempo agotado",
    "sin_entrega": "sin entrega", "sospechosa": "sospechosa (revísala a mano)",
    "fuera_de_plazo": "fuera de plazo",  # autograder.retraso
}


def _e(texto):
    return html.escape(limpio(texto), quote=True)


def _pagina(titulo, cuerpo):
    return (f'<!DOCTYPE html>\n<html lang="es">\n<head>\n<meta charset="utf-8">\n<title>{_e(titulo)}</title>\n'
            f"<style>{ESTILO}</style>\n</head>\n<body>\n<main>\n{cuerpo}\n</main>\n</body>\n</html>\n")


def retroalimentacion(resultado, taller):
    """Página de retroalimentación de una entrega (la construye ``pagina_estudiante``)."""
    from .pagina_estudiante import pagina

    return pagina(resultado, taller)


def preparar_figuras():
    """Importa matplotlib y openpyxl (más de medio segundo) mientras se califica: el resumen y la hoja
    de cálculo se escriben al final."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401
    import openpyxl  # noqa: F401


def _figura_png(dibujar):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figura, ejes = plt.subplots(figsize=(6.4, 3.6), dpi=100)
    dibujar(ejes)
    figura.tight_layout()
    buffer = io.BytesIO()
    figura.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(figura)
    return buffer.getvalue()


def figuras(resultados, taller):
    """PNG de la distribución de notas y de la proporción de aciertos por función."""
    from matplotlib.ticker import MaxNLocator

    notas = [r["puntos"] for r in resultados if r["estado"] != "sin_entrega"]

    def distribucion(ejes):
        ejes.hist(notas, bins=[x - 0.5 for x in range(int(taller.puntos_max) + 2)], color="#3b6ea5",
                  edgecolor="white")
        ejes.set_xlabel(f"Nota (de {cifra(taller.puntos_max)} puntos)")
        ejes.set_ylabel("Número de estudiantes")
        ejes.yaxis.set_major_locator(MaxNLocator(integer=True))
        ejes.set_title("Distribución de notas")

    def por_funcion(ejes):
        funciones = list(taller.funciones)
        total = max(len(notas), 1)
        proporciones = [sum(1 for r in resultados if r["estado"] != "sin_entrega"
                            and r["funciones"][f]["puntos"] == r["funciones"][f]["max"]) / total
                        for f in funciones]
        ejes.barh(funciones, proporciones, color="#1a7f37")
        ejes.set_xlim(0, 1)
        ejes.set_xlabel("Proporción de estudiantes con la función correcta")
        ejes.set_title("Aciertos por función")
        ejes.invert_yaxis()

    return {"notas.png": _figura_png(distribucion), "funciones.png": _figura_png(por_funcion)}


def resumen_html(resultados, taller, analisis=None):
    """Página resumen del lote (las figuras se enlazan como notas.png y funciones.png); ``analisis``
    (``similitud.Analisis``) da las entregas vacías y las posibles copias."""
    estados = {e: sum(1 for r in resultados if r["estado"] == e) for e in NOMBRES_ESTADO}
    partes = [f"<h1>Resumen: {_e(taller.titulo)}</h1>",
              informe_clase.medias_html(resultados, taller, analisis),
              "<table><tr><th>Estado</th><th>Entregas</th></tr>"]
    partes += [f"<tr><td>{_e(NOMBRES_ESTADO[e])}</td><td>{n}</td></tr>" for e, n in estados.items()
               if n or e != "fuera_de_plazo"]
    partes.append("</table>")
    partes.append('<h2>Distribución de notas</h2><img src="notas.png" '
                  'alt="Histograma con el número de estudiantes que obtuvo cada nota.">')
    partes.append('<h2>Aciertos por función</h2><img src="funciones.png" '
                  'alt="Barras con la proporción de estudiantes que tiene bien cada función calificada.">')
    revisar = [r for r in resultados if r["estado"] in ("sospechosa", "error", "tiempo_agotado")]
    if revisar:
        partes.append("<h2>Entregas para revisar</h2><table><tr><th>Estudiante</th><th>Estado</th>"
                      "<th>Detalle</th></tr>")
        partes += [f'<tr><td><a href="retroalimentacion/{_e(r["estudiante"])}.html">{_e(informe_clase.quien(r))}</a>'
                   f"</td><td>{_e(NOMBRES_ESTADO[r['estado']])}</td><td>{_e(r['detalle'])}</td></tr>"
                   for r in revisar]
        partes.append("</table>")
    partes.append("<h2>Todas las entregas</h2><table><tr><th>Estudiante</th><th>Puntos</th>"
                  + "".join(f"<th><code>{_e(f)}</code></th>" for f in taller.funciones) + "<th>Estado</th></tr>")
    for r in resultados:
        partes.append(f'<tr><td><a href="retroalimentacion/{_e(r["estudiante"])}.html">{_e(informe_clase.quien(r))}</a></td>'
                      f"<td>{cifra(r['puntos'])}</td>"
                      + "".join(f"<td>{cifra(r['funciones'][f]['puntos'])}</td>" for f in taller.funciones)
                      + f"<td>{_e(NOMBRES_ESTADO[r['estado']])}</td></tr>")
    partes.append("</table>")
    partes.append(informe_clase.secciones_html(resultados, taller, analisis))
    return _pagina(f"Resumen: {taller.titulo}", "\n".join(partes))


def escribir_resumen(resultados, taller, salida, escribir_atomico, analisis=None):
    salida = Path(salida)
    for nombre, datos in figuras(resultados, taller).items():
        temporal = salida / f".{nombre}.tmp"
        temporal.write_bytes(datos)
        temporal.replace(salida / nombre)
    escribir_atomico(salida / "resumen.html", resumen_html(resultados, taller, analisis))
