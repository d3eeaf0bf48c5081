"""Retroalimentación por estudiante y resumen del lote en HTML (en español).

Todo texto que viene de la entrega se escapa con ``html.escape``. La
retroalimentación muestra los puntos por función, los casos ocultos que fallaron
(solo su descripción: el tipo de entrada, nunca el código de la prueba) y los
errores de las celdas.
"""
import html
import io
import re
from pathlib import Path

from ..calificacion import credito
from . import informe_clase
from ..texto import limpio

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


def _codigo(texto):
    """Escapa el texto y muestra como código lo que va entre `comillas invertidas`."""
    return re.sub(r"`([^`<>]{1,80})`", r"<code>\1</code>", _e(texto))


def _pagina(titulo, cuerpo):
    return (f'<!DOCTYPE html>\n<html lang="es">\n<head>\n<meta charset="utf-8">\n<title>{_e(titulo)}</title>\n'
            f"<style>{ESTILO}</style>\n</head>\n<body>\n{cuerpo}\n</body>\n</html>\n")


def _pts(valor):
    return f"{valor:g}"


def retroalimentacion(resultado, taller):
    """Página de retroalimentación de una entrega."""
    partes = [f"<h1>{_e(taller.titulo)}</h1>",
              f"<p>Estudiante: <strong>{_e(resultado['estudiante'])}</strong>. "
              f"Nota: <strong>{_pts(resultado['puntos'])} de {_pts(resultado['puntos_max'])}</strong> puntos.</p>"]
    if resultado["estado"] != "ok":
        partes.append(f"<p>Estado: <strong>{_e(NOMBRES_ESTADO[resultado['estado']])}</strong>.</p>")
    if resultado["detalle"]:
        partes.append(f"<p>{_e(resultado['detalle'])}</p>")
    partes.append("<h2>Puntos por función</h2><table><tr><th>Función</th><th>Puntos</th><th>Resultado</th></tr>")
    for nombre, info in resultado["funciones"].items():
        if info["falta"]:
            texto, clase = "no está definida", "mal"
        elif info.get("credito") == "proporcional":  # casos superados de los ejecutados
            texto, clase = credito.texto_funcion(info), "mal" if info["fallos"] else "bien"
        elif info["fallos"]:
            texto, clase = f"falla {len(info['fallos'])} de {info['casos']} comprobaciones", "mal"
        else:
            texto, clase = f"supera las {info['casos']} comprobaciones", "bien"
        partes.append(f"<tr><td><code>{_e(nombre)}</code></td><td>{_pts(info['puntos'])} / {_pts(info['max'])}"
                      f'</td><td class="{clase}">{_e(texto)}</td></tr>')
    partes.append("</table>")
    for nombre, info in resultado["funciones"].items():
        if not info["fallos"] or info["falta"]:
            continue
        partes.append(f"<h2>Qué falló en <code>{_e(nombre)}</code></h2><ul>")
        for fallo in info["fallos"]:
            partes.append(f"<li>Con {_e(fallo['descripcion'])}: {_codigo(' '.join(fallo['problemas']))}</li>")
        partes.append("</ul><p>Salvo las pruebas públicas, que ya tienes en tu cuaderno, cada línea "
                      "describe el tipo de entrada de una comprobación oculta. Prueba tu función con una "
                      "entrada parecida para encontrar el error.</p>")
    if resultado["celdas"]:
        partes.append("<h2>Celdas con errores</h2><ul>")
        for celda in resultado["celdas"]:
            partes.append(f"<li>Celda {_e(celda['celda'])}: {_e(celda['error'])}</li>")
        partes.append("</ul><p>Los números de celda cuentan todas las celdas del cuaderno, desde 1; la "
                      "sección es el último título que hay encima de la celda.</p>")
    partes.append("<p>Las celdas de pruebas de tu cuaderno no cuentan: el calificador usa sus propias "
                  "pruebas, las públicas que ya conoces y otras ocultas con entradas distintas.</p>")
    partes.append("<p>Esta nota es solo la de las funciones que se califican automáticamente. Las partes "
                  "que revisa el profesor (las gráficas y las respuestas escritas) siguen pendientes de "
                  "su revisión.</p>")
    return _pagina(f"Retroalimentación: {taller.titulo}", "\n".join(partes))


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
        ejes.set_xlabel(f"Nota (de {_pts(taller.puntos_max)} puntos)")
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
                      f"<td>{_pts(r['puntos'])}</td>"
                      + "".join(f"<td>{_pts(r['funciones'][f]['puntos'])}</td>" for f in taller.funciones)
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
