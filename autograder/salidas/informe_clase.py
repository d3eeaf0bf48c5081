"""Partes del resumen de la clase (resumen.html) para el profesor, con plantillas de jinja2.

- Quién es cada estudiante (su nombre, si la lista o el LMS lo dan) y la media con y sin las
  entregas vacías (sin cuaderno, o con el cuaderno sin nada propio en las funciones calificadas).
- Para cada función y cada caso oculto, qué proporción de la clase lo supera.
- Los errores más comunes, agrupados por el diagnóstico que dio la retroalimentación.
- Las posibles copias (``similitud``), lado a lado.

jinja2 escapa todo lo que se interpola (``autoescape``): nada del estudiante llega sin escapar.
"""
import re
from collections import defaultdict

import jinja2

from ..calificacion import fases as calificacion
from ..texto import cifra, limpio

ESTILO = """.lado{display:grid;grid-template-columns:1fr 1fr;gap:.5rem;margin-bottom:.5rem}.lado pre{margin:0;
overflow:auto;max-height:28rem;background:#f5f5f5;padding:.5rem;font-size:.8rem;white-space:pre-wrap;
overflow-wrap:anywhere}.nota{border-left:4px solid #8a6d00;
padding:.3rem .8rem;background:#fff8e1}.cifra{text-align:right}@media print{.lado pre{max-height:none}}"""

MAX_NOMBRES = 30  # estudiantes que se nombran en cada error común (los demás se cuentan)

_ENTORNO = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True,
                              undefined=jinja2.StrictUndefined)

_MEDIAS = _ENTORNO.from_string("""\
<p>{{ total }} entrega{{ '' if total == 1 else 's' }}, {{ vacias }} vacía{{ '' if vacias == 1 else 's' }}
(sin cuaderno, o con el cuaderno sin nada propio en las funciones calificadas).</p>
<ul>
<li>Media de toda la clase, con las vacías como 0: <strong>{{ con }}</strong> de {{ maximo }} puntos.</li>
<li>Media sin contar las entregas vacías: <strong>{{ sin }}</strong> de {{ maximo }} puntos
({{ total - vacias }} entrega{{ '' if total - vacias == 1 else 's' }}).</li>
</ul>""")

_SECCIONES = _ENTORNO.from_string("""\
<h2>Casos ocultos: quién los supera</h2>
{% if not base %}
<p>No hay entregas con código propio: no hay casos que contar.</p>
{% else %}
<p>Proporción de las {{ base }} entregas no vacías y ejecutadas que supera cada caso (las pruebas
públicas del cuaderno cuentan aparte; las que no se pudieron leer o calificar, tampoco). Un caso
que casi nadie supera señala lo que conviene repasar en clase.</p>
{% for funcion, filas in casos %}
<table>
<caption><code>{{ funcion }}</code></caption>
<tr><th scope="col">Caso</th><th scope="col">Lo superan</th><th scope="col">Proporción</th></tr>
{% for descripcion, n, proporcion in filas %}
<tr><td>{{ descripcion }}</td><td class="cifra">{{ n }} de {{ base }}</td><td class="cifra">{{ proporcion }}</td></tr>
{% endfor %}
</table>
{% endfor %}
{% endif %}
<h2>Errores más comunes</h2>
{% if errores %}
<p>Agrupados por el diagnóstico que dio la retroalimentación (los números concretos se omiten), con los
estudiantes a los que afecta.</p>
<table>
<tr><th scope="col">Función</th><th scope="col">Diagnóstico</th><th scope="col">Estudiantes</th></tr>
{% for funcion, diagnostico, quienes in errores %}
<tr><td><code>{{ funcion }}</code></td><td>{{ diagnostico }}</td>
<td>{{ quienes|length }}: {{ quienes[:max_nombres]|join(', ') }}{% if quienes|length > max_nombres %} y {{ quienes|length - max_nombres }} más{% endif %}
</td></tr>
{% endfor %}
</table>
{% else %}
<p>Ninguna entrega no vacía falla un caso.</p>
{% endif %}
<h2>Posibles copias</h2>
<p class="nota"><strong>Una similitud alta es un motivo para mirar las dos entregas, no una prueba de copia.</strong>
Se comparan las funciones calificadas sin comentarios ni espacios, con los nombres de las variables
igualados y en cualquier orden; no cuenta el código que da el cuaderno y pesan poco los fragmentos
que comparten muchos estudiantes. Soluciones cortas y correctas pueden parecerse sin copia:
habla con los estudiantes antes de concluir nada.</p>
{% if analisis is none %}
<p>No se analizó la similitud de este lote.</p>
{% elif not pares %}
<p>No hay dos entregas con código propio que comparar.</p>
{% else %}
<p>Todos los pares están en <a href="similitud.csv">similitud.csv</a> (de 0 a 1, de mayor a menor).
{% if destacan %}{{ destacan }} par{{ '' if destacan == 1 else 'es' }} destaca{{ '' if destacan == 1 else 'n' }}
sobre el resto de la clase (similitud de {{ corte }} o más).{% else %}Ningún par destaca sobre el resto de
la clase.{% endif %} Estos son los más parecidos:</p>
{% for par in pares %}
<h3>{{ par.a }} y {{ par.b }}: similitud {{ par.similitud }}{% if par.destaca %} (destaca){% endif %}</h3>
{% for funcion, izquierda, derecha in par.funciones %}
<div class="lado" role="group" aria-label="{{ funcion }}: {{ par.a }} a la izquierda, {{ par.b }} a la derecha">
<pre tabindex="0" aria-label="{{ funcion }} de {{ par.a }}"><code>{{ izquierda }}</code></pre>
<pre tabindex="0" aria-label="{{ funcion }} de {{ par.b }}"><code>{{ derecha }}</code></pre>
</div>
{% endfor %}
{% endfor %}
{% endif %}
""")


def quien(resultado):
    """«Nombre (id)» si se conoce el nombre; si no, el id."""
    nombre = limpio(resultado.get("nombre") or "").strip()
    return f"{nombre} ({resultado['estudiante']})" if nombre else resultado["estudiante"]


def vacias(resultados, analisis=None):
    """Estudiantes con la entrega vacía: sin cuaderno, o leído y sin nada propio en las funciones calificadas."""
    leidas_vacias = analisis.vacias if analisis is not None else set()
    return {r["estudiante"] for r in resultados
            if r["estado"] == "sin_entrega" or (r["estudiante"] in leidas_vacias and r["estado"] != "error")}


def medias_html(resultados, taller, analisis=None):
    """Párrafo con el número de entregas y la media con y sin las vacías."""
    vacia = vacias(resultados, analisis)
    notas = [r["puntos"] for r in resultados]
    llenas = [r["puntos"] for r in resultados if r["estudiante"] not in vacia]
    return _MEDIAS.render(total=len(resultados), vacias=len(vacia), maximo=f"{taller.puntos_max:g}",
                          con=cifra(sum(notas) / len(notas), ".2f") if notas else "—",
                          sin=cifra(sum(llenas) / len(llenas), ".2f") if llenas else "—")


def _diagnostico(problema):
    """El diagnóstico sin los números concretos, para agrupar el mismo error de varios estudiantes."""
    texto = re.sub(r"(?<![\w.])-?\d+(?:\.\d+)?(?:e[-+]?\d+)?(?!\w)", "…", limpio(problema))
    anterior = None
    while anterior != texto:  # [[… …] [… …]] queda en «…» y (…, …) en «(…)»
        anterior, texto = texto, re.sub(r"\[[\s…,]*…[\s…,]*\]|…(?:,? …)+", "…", texto)
        texto = re.sub(r"\([\s…,]*…[\s…,]*\)", "(…)", texto)
    return texto.strip()


def casos_por_funcion(resultados, taller, excluir=()):
    """[(función, [(descripción, cuántos lo superan, proporción)])] y el número de entregas contadas.

    No cuentan las de ``excluir`` (vacías) ni aquellas cuyo cuaderno no se ejecutó (``sin_calificar``: un
    cuaderno que no se pudo leer o un fallo del calificador), de las que no se sabe qué casos superan."""
    contadas = [r for r in resultados if r["estudiante"] not in excluir and not r.get("sin_calificar")]
    base = len(contadas)
    salida = []
    for funcion, lista in calificacion.casos_del_taller(taller).items():
        filas = []
        for id_, caso, _ in lista:
            fallan = sum(1 for r in contadas if any(
                f.get("id", f.get("descripcion")) in (id_, caso.descripcion) and not f.get("publica")
                for f in r["funciones"][funcion]["fallos"]) or r["funciones"][funcion]["falta"])
            n = base - fallan
            filas.append((caso.descripcion, n, f"{100 * n / base:.0f} %" if base else "—"))
        salida.append((funcion, filas))
    return salida, base


def errores_comunes(resultados, excluir=(), maximo=12):
    """[(función, diagnóstico, [estudiantes])] de más a menos estudiantes."""
    grupos = defaultdict(dict)
    for r in resultados:
        if r["estudiante"] in excluir:
            continue
        for funcion, info in r["funciones"].items():
            for fallo in info["fallos"]:
                for problema in fallo["problemas"]:
                    grupos[funcion, _diagnostico(problema)][r["estudiante"]] = quien(r)
    orden = sorted(grupos.items(), key=lambda g: (-len(g[1]), g[0]))
    return [(f, d, sorted(q.values())) for (f, d), q in orden[:maximo]]


def _pares(analisis, resultados, taller):
    nombres = {r["estudiante"]: quien(r) for r in resultados}
    salida = []
    for a, b, s in analisis.destacados():
        codigo_a, codigo_b = analisis.codigo.get(a, {}), analisis.codigo.get(b, {})
        funciones = [f for f in taller.funciones if f in codigo_a or f in codigo_b]
        funciones += [f for f in {**codigo_a, **codigo_b} if f not in funciones]
        salida.append({"a": nombres.get(a, a), "b": nombres.get(b, b), "similitud": cifra(s, ".2f"),
                       "destaca": s >= analisis.corte,
                       "funciones": [(f, codigo_a.get(f, "(no la define)"), codigo_b.get(f, "(no la define)"))
                                     for f in funciones]})
    return salida


def secciones_html(resultados, taller, analisis=None):
    """Casos ocultos, errores comunes y posibles copias (HTML escapado)."""
    vacia = vacias(resultados, analisis)
    casos, base = casos_por_funcion(resultados, taller, vacia)
    return _SECCIONES.render(
        base=base, casos=casos, errores=errores_comunes(resultados, vacia), analisis=analisis, max_nombres=MAX_NOMBRES,
        pares=_pares(analisis, resultados, taller) if analisis is not None else [],
        destacan=sum(1 for p in (analisis.pares if analisis else []) if p[2] >= analisis.corte and p[2] > 0),
        corte=cifra(analisis.corte, ".2f") if analisis is not None else "")
