"""El libro en Chromium, recorrido una sola vez por sesión: lo que miden las pruebas del navegador.

test_navegador.py y test_accesibilidad.py comprueban muchas cosas de cada página de ``_toc.yml``:
interfaz en español, fórmulas, figuras, salidas, consola, enlaces, lectura en un teléfono, axe en
modo claro y oscuro, el tabulador. Abrir una página y esperar a que MathJax la componga cuesta casi
tanto como auditarla con axe; por eso cada página se abre UNA vez por dispositivo (escritorio y
teléfono), se mide allí todo lo que piden las pruebas y se guardan los datos; las pruebas solo
afirman sobre ellos (y cada una dice qué página, modo y dispositivo falló).

Orden en cada página: se espera a MathJax, se mide, se hace la captura (de la ventana), se audita con axe en modo
claro y en modo oscuro (el tema sigue ``prefers-color-scheme``: se cambia sin recargar) y, en el
capítulo de retropropagación, se recorre con el tabulador en los dos modos.

Dos páginas a la vez, cada una en su proceso de Chromium: en una máquina de dos núcleos el
recorrido tarda la mitad. Se usa la API asíncrona de Playwright en un hilo propio, con su propio
Chromium; la API síncrona de las demás pruebas (búsqueda, impresión…) sigue en el hilo principal.
"""
import asyncio
import threading
import traceback
from pathlib import Path

import yaml

RAIZ = Path(__file__).resolve().parents[1]
AXE = RAIZ / "node_modules" / "axe-core" / "axe.min.js"
ESCRITORIO = {"width": 1280, "height": 900}
TELEFONO = {"width": 390, "height": 844}
DISPOSITIVOS = {"escritorio": ESCRITORIO, "telefono": TELEFONO}
MODOS = {"claro": "light", "oscuro": "dark"}
ESPERA_MS = 60_000  # el capítulo 6 (más de 400 fórmulas) tarda en componerse en una máquina ocupada
#: Páginas que se abren a la vez (una por núcleo).
A_LA_VEZ = 2
#: La búsqueda con resultados resaltados también se audita con axe (solo en el escritorio).
BUSQUEDA_RESALTADA = "search?q=gradiente"


def _paginas_del_indice():
    """Documentos de _toc.yml en orden: la raíz y todos los capítulos de todas las partes."""
    indice = yaml.safe_load((RAIZ / "_toc.yml").read_text(encoding="utf-8"))
    paginas = [indice["root"]]

    def recorrer(entradas):
        for entrada in entradas or []:
            if "file" in entrada:
                paginas.append(entrada["file"])
            recorrer(entrada.get("sections"))

    for parte in indice.get("parts", []):
        recorrer(parte.get("chapters"))
    recorrer(indice.get("chapters"))
    return [str(Path(p).with_suffix("")) for p in paginas]


PAGINAS = _paginas_del_indice()
RAIZ_DEL_LIBRO = PAGINAS[0]
PAGINA_TALLERES = next((p for p in PAGINAS if p.endswith("08-talleres")), None)
PAGINA_RETROPROPAGACION = next((p for p in PAGINAS if p.endswith("06-retropropagacion")), None)
#: Páginas con captura también en el teléfono (las demás, solo en el escritorio).
CAPTURAS_EN_EL_TELEFONO = (RAIZ_DEL_LIBRO, PAGINA_RETROPROPAGACION)

# --- JavaScript que se ejecuta en la página -----------------------------------------------

JS_ESPERAR_MATHJAX = """
async () => {
  const hayMath = document.querySelector('.math') !== null;
  if (!window.MathJax || !MathJax.startup || !MathJax.startup.promise) {
    return hayMath ? 'MathJax no se cargó (¿falta _static/mathjax?)' : 'sin fórmulas';
  }
  const limite = new Promise(r => setTimeout(() => r('MathJax no terminó de componer en 60 s'), 60000));
  const listo = MathJax.startup.promise.then(async () => {
    if (document.fonts) { await document.fonts.ready; }
    return 'ok';
  }, e => 'MathJax falló: ' + e);
  return Promise.race([listo, limite]);
}
"""

JS_CADENAS_DE_INTERFAZ = """
() => {
  const atributos = ['title', 'aria-label', 'placeholder', 'data-bs-title', 'data-tooltip', 'alt'];
  const res = {atributos: [], textoInterfaz: [], textoArticulo: []};
  const articulo = document.querySelector('article.bd-article');
  for (const el of document.querySelectorAll('*')) {
    if (el.closest('mjx-container')) continue;
    for (const a of atributos) {
      const v = el.getAttribute(a);
      if (v && v.trim()) res.atributos.push([el.tagName.toLowerCase() + '[' + a + ']', v.trim()]);
    }
  }
  const recorrido = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let nodo;
  while ((nodo = recorrido.nextNode())) {
    const t = nodo.textContent.trim();
    const padre = nodo.parentElement;
    if (!t || !padre || padre.closest('script, style, noscript, mjx-container, pre, code')) continue;
    if (!padre.getClientRects().length) continue;  // no visible
    const s = getComputedStyle(padre);
    if (s.visibility === 'hidden' || s.display === 'none') continue;
    (articulo && articulo.contains(padre) ? res.textoArticulo : res.textoInterfaz).push(t);
  }
  return res;
}
"""

JS_FORMULAS = """
() => {
  const maths = [...document.querySelectorAll('.math')];
  const sinComponer = maths.filter(m => !m.querySelector('mjx-container'))
                           .map(m => m.textContent.trim().slice(0, 80));
  const errores = [...document.querySelectorAll('mjx-merror')]
                    .map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 120));
  const crudo = [];
  const recorrido = document.createTreeWalker(document.querySelector('main') || document.body,
                                              NodeFilter.SHOW_TEXT);
  let nodo;
  while ((nodo = recorrido.nextNode())) {
    const p = nodo.parentElement;
    if (!p || p.closest('script, style, pre, code, .highlight, mjx-container, mjx-assistive-mml')) continue;
    crudo.push(nodo.textContent);
  }
  return {
    elementosMath: maths.length,
    contenedores: document.querySelectorAll('mjx-container').length,
    enBloque: document.querySelectorAll('mjx-container[display="true"]').length,
    sinComponer, errores, texto: crudo.join(' '),
  };
}
"""

JS_IMAGENES = """
async () => {
  const imgs = [...document.images];
  imgs.forEach(i => { i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.complete ? null :
    new Promise(r => { i.addEventListener('load', r); i.addEventListener('error', r);
                       setTimeout(r, 5000); })));
  return imgs.map(i => {
    const fig = i.closest('figure');
    const pie = fig && fig.querySelector('figcaption');
    return {
      src: i.getAttribute('src'), cargada: i.complete && i.naturalWidth > 0,
      alt: (i.getAttribute('alt') || '').trim(), pie: pie ? pie.innerText.trim() : '',
      enArticulo: !!i.closest('article.bd-article'),
    };
  });
}
"""

JS_FIGURAS = """
() => [...document.querySelectorAll('article.bd-article figure')].map(f => ({
  id: f.id, imagenes: f.querySelectorAll('img, svg').length,
  pie: (f.querySelector('figcaption') || {innerText: ''}).innerText.trim(),
}))
"""

JS_SALIDAS = """
() => [...document.querySelectorAll('div.cell')].map((celda, n) => {
  const salidas = [...celda.querySelectorAll(':scope > .cell_output, :scope details > .cell_output')];
  const out = salidas[0];
  const plegada = out ? !!out.closest('details:not([open])') : false;
  const r = out ? out.getBoundingClientRect() : null;
  return {
    n, tieneSalida: !!out, plegada,
    visible: !!out && (plegada || (r.width > 0 && r.height > 0)),
    contenido: !!out && (out.innerText.trim().length > 0 ||
                         out.querySelector('img, svg, table, mjx-container, iframe, canvas') !== null),
    texto: out ? out.innerText : '',
    traza: !!celda.querySelector('.output.traceback, .output.error'),
    stderr: out ? [...out.querySelectorAll('.output.stderr')].map(e => e.innerText.slice(0, 200)) : [],
  };
})
"""

JS_BUSCADORES_VISIBLES = """
() => [...document.querySelectorAll('button.search-button-field, button.search-button__button')]
  .filter(b => b.getClientRects().length && getComputedStyle(b).visibility !== 'hidden')
  .map(b => (b.closest('header, nav, aside, div[id]') || b).className || b.id)
"""

JS_ENLACES = """
() => [...document.querySelectorAll('a[href]')].map(a => a.href)
"""

JS_TELEFONO = """
(ancho) => {
  // Elementos que se salen por la derecha sin una caja con desplazamiento propio que los contenga.
  const recortado = e => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const anchas = [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > ancho + 1 && !recortado(e);
  }).slice(0, 5).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.') +
                      ' (hasta ' + Math.round(e.getBoundingClientRect().right) + ' px)');
  const formulas = [...document.querySelectorAll('mjx-container[display="true"]')].map(m => {
    const s = getComputedStyle(m);
    const r = m.getBoundingClientRect();
    return {overflowX: s.overflowX, derecha: Math.round(r.right), anchoContenido: m.scrollWidth,
            anchoCaja: m.clientWidth};
  });
  return {ancho, ventana: window.innerWidth, scrollWidth: document.documentElement.scrollWidth,
          scrollWidthBody: document.body.scrollWidth, anchas, formulas};
}
"""

# Con selectores=false axe no calcula el selector de cada nodo (lo más caro con cientos de fórmulas).
JS_AXE = """
async (selectores) => {
  const r = await axe.run(document, {resultTypes: ['violations'], selectors: selectores});
  return r.violations.map(v => ({
    id: v.id, impacto: v.impact, ayuda: v.help,
    nodos: v.nodes.slice(0, 5).map(n => (selectores ? n.target.join(' ') + ' — ' : '')
                                        + n.failureSummary.replace(/\\s+/g, ' ')),
    total: v.nodes.length,
  }));
}
"""

# Elemento con el foco: dónde está y si se ve el indicador (contorno o sombra sólida de 2 px o más).
JS_FOCO = """
() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const opaco = c => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return false;
                       const p = m[1].split(',').map(Number); return p.length < 4 || p[3] > 0.5; };
  const contorno = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && opaco(s.outlineColor);
  const sombra = s.boxShadow !== 'none' && s.boxShadow.split(/,(?![^(]*\\))/).some(sh => {
    const medidas = (sh.match(/-?[\\d.]+px/g) || []).map(parseFloat);
    return opaco(sh) && medidas.length >= 4 && Math.abs(medidas[3]) >= 2;
  });
  const r = e.getBoundingClientRect();
  return {
    etiqueta: e.tagName.toLowerCase(),
    nombre: (e.getAttribute('aria-label') || e.getAttribute('title') || e.innerText || '').trim().slice(0, 60),
    clase: typeof e.className === 'string' ? e.className : '',
    cabecera: !!e.closest('.bd-header-article, .bd-header, .bd-sidebar-primary'),
    formula: e.tagName === 'MJX-CONTAINER',
    desplazable: e.scrollWidth > e.clientWidth + 1,
    visible: contorno || sombra, tamano: r.width > 0 && r.height > 0,
  };
}
"""

JS_BOTONES_DE_CABECERA = """
() => [...document.querySelectorAll('.bd-header-article button, .bd-header-article a.btn, .search-button-field')]
  .filter(b => b.getClientRects().length && getComputedStyle(b).visibility !== 'hidden'
               && !b.closest('.dropdown-menu'))
  .map(b => (b.getAttribute('aria-label') || b.getAttribute('title') || b.innerText).trim())
"""

JS_MATHML = """
() => [...document.querySelectorAll('mjx-container')].filter(m => !m.querySelector('mjx-assistive-mml math')).length
"""

# Los colores del tema cambian con transiciones: se mide cuando han terminado.
JS_FIN_DE_LAS_TRANSICIONES = """
async () => {
  await new Promise(r => requestAnimationFrame(r));
  await Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)));
}
"""

JS_RESALTADAS = "() => document.querySelectorAll('span.highlighted').length"

JS_DESCARGAS = "() => [...document.querySelectorAll('a[download]')].map(a => a.href)"


# --- Recorrido -----------------------------------------------------------------------------

# En cada documento, antes que los scripts del libro: sessionStorage vacío, como en una pestaña nueva
# (el tema guarda allí el desplazamiento de la barra lateral al salir de una página).
JS_COMO_PESTANA_NUEVA = "try { sessionStorage.clear(); } catch (e) {}"


async def nueva_pestana(contexto):
    """Pestaña que se reutiliza para varias páginas: (pestaña, problemas del documento abierto).

    Abrir una pestaña por página costaba un proceso de Chromium nuevo por página y volver a compilar
    MathJax y axe en él. Al reutilizarla, cada página empieza como en una pestaña nueva (``abrir``):
    documento nuevo, modo claro, sessionStorage vacío y la lista de problemas vacía.
    """
    pagina = await contexto.new_page()
    problemas = []
    pagina.on("console", lambda m: problemas.append(f"consola: {m.text}") if m.type == "error" else None)
    pagina.on("pageerror", lambda e: problemas.append(f"excepción de JavaScript: {e}"))
    pagina.on("requestfailed", lambda r: problemas.append(f"no se pudo cargar {r.url} ({r.failure})"))
    pagina.on("response", lambda r: problemas.append(f"HTTP {r.status} al cargar {r.url}")
              if r.status >= 400 else None)
    await pagina.add_init_script(JS_COMO_PESTANA_NUEVA)
    return pagina, problemas


async def abrir(pagina, problemas, url, espera=ESPERA_MS):
    """Abre url en la pestaña y registra errores de consola, excepciones y recursos que fallan.

    Primero se pasa por about:blank: así el documento anterior termina (y sus peticiones
    interrumpidas no se anotan como problemas de esta página) antes de vaciar la lista.
    """
    await pagina.goto("about:blank")
    await pagina.emulate_media(color_scheme="light")
    problemas.clear()
    await pagina.goto(url, wait_until="load", timeout=espera)


async def captura(pagina, ruta):
    """Captura de la ventana (lo que se ve al abrir la página: cabecera, barra lateral y comienzo).

    Antes se capturaba la página entera agrandando la ventana al alto del documento: en los
    capítulos largos eran imágenes de 1280 × 30 000 px que nadie compara (ninguna prueba las lee) y
    costaban el 9 % de la CPU del recorrido (dos recolocaciones de la página y un PNG enorme).
    """
    await pagina.screenshot(path=str(ruta))


async def _cambiar_de_modo(pagina, modo):
    """Modo claro u oscuro sin recargar: el tema (``default_mode: auto``) sigue la preferencia emulada."""
    esquema = MODOS[modo]
    await pagina.emulate_media(color_scheme=esquema)
    await pagina.wait_for_function("(t) => document.documentElement.dataset.theme === t", arg=esquema,
                                   timeout=15_000)
    await pagina.evaluate(JS_FIN_DE_LAS_TRANSICIONES)


async def _auditar(pagina, axe_js):
    """axe en modo claro y en modo oscuro: {modo: {"infracciones": [...], "resaltadas": n}}.

    axe se ejecuta sin selectores ni HTML de cada nodo (un tercio más rápido en las páginas con
    cientos de fórmulas); si encuentra alguna infracción, se repite con selectores para que el
    mensaje de la prueba diga dónde está.
    """
    await pagina.add_script_tag(content=axe_js)
    await pagina.evaluate("() => axe.configure({noHtml: true})")
    resultados = {}
    for modo in MODOS:
        await _cambiar_de_modo(pagina, modo)
        infracciones = await pagina.evaluate(JS_AXE, False)
        if infracciones:
            donde = {v["id"]: v["nodos"] for v in await pagina.evaluate(JS_AXE, True)}
            for v in infracciones:
                v["nodos"] = donde.get(v["id"], ["(al repetir axe con selectores ya no aparece)"])
        resultados[modo] = {"infracciones": infracciones, "resaltadas": await pagina.evaluate(JS_RESALTADAS)}
    return resultados


async def recorrer_con_tabulador(pagina, maximo=400):
    """Pulsa Tab desde el principio hasta volver al cuerpo de la página; devuelve cada parada.

    Al salir de la última parada el foco vuelve al cuerpo, y la siguiente vuelta empieza otra vez
    por el principio: el recorrido se puede repetir en la misma página (en el otro modo).
    """
    paradas = []
    for _ in range(maximo):
        await pagina.keyboard.press("Tab")
        foco = await pagina.evaluate(JS_FOCO)
        if foco is None:
            return {"paradas": paradas}
        paradas.append(foco)
    return {"paradas": paradas, "error": (
        f"Tras {maximo} pulsaciones de Tab el foco no ha llegado al final de la página: "
        f"las últimas paradas son {[p['nombre'] for p in paradas[-5:]]}")}


async def _tabulador_en_los_dos_modos(pagina):
    """Botones de la cabecera, fórmulas sin MathML y el recorrido con el tabulador, en cada modo."""
    foco = {}
    for modo in ("oscuro", "claro"):  # tras axe la página está en modo oscuro
        await _cambiar_de_modo(pagina, modo)
        foco[modo] = {
            "botones": await pagina.evaluate(JS_BOTONES_DE_CABECERA),
            "sin_mathml": await pagina.evaluate(JS_MATHML),
            "formulas": await pagina.evaluate("() => document.querySelectorAll('mjx-container').length"),
            **await recorrer_con_tabulador(pagina),
        }
    return foco


async def _medir_en_el_escritorio(pagina):
    return {
        "lang": await pagina.evaluate("() => document.documentElement.lang"),
        "interfaz": await pagina.evaluate(JS_CADENAS_DE_INTERFAZ),
        "formulas": await pagina.evaluate(JS_FORMULAS),
        "imagenes": await pagina.evaluate(JS_IMAGENES),
        "figuras": await pagina.evaluate(JS_FIGURAS),
        "salidas": await pagina.evaluate(JS_SALIDAS),
        "enlaces": await pagina.evaluate(JS_ENLACES),
        "buscadores": await pagina.evaluate(JS_BUSCADORES_VISIBLES),
        "descargas": await pagina.evaluate(JS_DESCARGAS),
    }


def url_de(servidor, doc):
    """«book/intro» → …/book/intro.html; «search?q=x» → …/search.html?q=x."""
    ruta, _, consulta = doc.partition("?")
    return f"{servidor}{ruta}.html" + (f"?{consulta}" if consulta else "")


def nombre_de_captura(doc, dispositivo):
    return f"{doc.replace('/', '__')}-{dispositivo}.png"


async def _visitar(pestana, servidor, capturas, axe_js, doc, dispositivo, partes):
    """Todo lo que las pruebas miden de una página en un dispositivo, con una sola carga."""
    datos = {}
    pagina, problemas = pestana
    try:
        await abrir(pagina, problemas, url_de(servidor, doc))
        datos["url"] = pagina.url
        datos["tema_al_abrir"] = await pagina.evaluate("() => document.documentElement.dataset.theme")
        datos["mathjax"] = await pagina.evaluate(JS_ESPERAR_MATHJAX)
        if doc in PAGINAS:
            if dispositivo == "escritorio":
                datos.update(await _medir_en_el_escritorio(pagina))
            else:
                datos["telefono"] = await pagina.evaluate(JS_TELEFONO, TELEFONO["width"])
            if dispositivo == "escritorio" or doc in CAPTURAS_EN_EL_TELEFONO:
                await captura(pagina, capturas / nombre_de_captura(doc, dispositivo))
        datos["problemas"] = list(problemas)
        if doc == BUSQUEDA_RESALTADA:  # los resultados llegan después de la carga
            await pagina.wait_for_function(
                "() => document.querySelectorAll('#search-results span.highlighted').length > 0"
                " && !document.querySelector('.search-progress')", timeout=15_000)
        if "axe" in partes:
            datos["axe"] = await _auditar(pagina, axe_js) if axe_js else {"error": (
                f"Falta {AXE.relative_to(RAIZ)}: instala axe-core con «make test» (o «npm ci» en la raíz "
                "del repositorio).")}
        if "tabulador" in partes and doc == PAGINA_RETROPROPAGACION:
            datos["foco"] = await _tabulador_en_los_dos_modos(pagina)
    except Exception as error:  # noqa: BLE001  (lo dice cada prueba de esta página)
        datos["error"] = f"{type(error).__name__}: {error}"
    return datos


def _coste(doc):
    """Tamaño del HTML de la página: las más largas se empiezan antes (acaban a la vez)."""
    ruta = RAIZ / "_build" / "html" / f"{doc.split('?')[0]}.html"
    return ruta.stat().st_size if ruta.exists() else 0


async def recorrer(servidor, capturas, chromium, argumentos, partes):
    """Abre cada página en cada dispositivo (``A_LA_VEZ`` a la vez): {(doc, dispositivo): datos}."""
    from playwright.async_api import async_playwright

    axe_js = AXE.read_text(encoding="utf-8") if AXE.is_file() else None
    trabajos = []
    for dispositivo in DISPOSITIVOS:
        docs = list(PAGINAS) if partes & {"escritorio", "telefono"} else []
        if "axe" in partes:
            docs += ["search"] + ([BUSQUEDA_RESALTADA] if dispositivo == "escritorio" else [])
        if dispositivo == "telefono" and not partes & {"telefono", "axe"}:
            docs = []
        trabajos += [(doc, dispositivo) for doc in docs]
    trabajos.sort(key=lambda t: _coste(t[0]), reverse=True)

    async with async_playwright() as p:
        navegador = await p.chromium.launch(executable_path=str(chromium), args=argumentos)
        try:
            contextos = {}
            for dispositivo, ventana in DISPOSITIVOS.items():
                telefono = dispositivo == "telefono"
                contextos[dispositivo] = await navegador.new_context(
                    viewport=ventana, device_scale_factor=1, is_mobile=telefono, has_touch=telefono,
                    locale="es-ES", color_scheme="light", service_workers="block")
            turno = asyncio.Semaphore(A_LA_VEZ)
            libres = {dispositivo: [] for dispositivo in DISPOSITIVOS}  # pestañas que se pueden reutilizar

            async def uno(doc, dispositivo):
                async with turno:
                    pestana = libres[dispositivo].pop() if libres[dispositivo] else \
                        await nueva_pestana(contextos[dispositivo])
                    datos = await _visitar(pestana, servidor, capturas, axe_js, doc, dispositivo, partes)
                    if "error" in datos:  # no se sabe en qué estado ha quedado: no se reutiliza
                        await pestana[0].close()
                    else:
                        libres[dispositivo].append(pestana)
                    return datos

            resultados = await asyncio.gather(*(uno(doc, d) for doc, d in trabajos))
        finally:
            await navegador.close()
    return dict(zip(trabajos, resultados))


class Recorrido:
    """Los datos de cada (página, dispositivo); el recorrido se hace entero al pedir el primero."""

    def __init__(self, servidor, capturas, chromium, argumentos, partes):
        self._args = (servidor, Path(capturas), chromium, argumentos, frozenset(partes))
        self._datos = None
        self._error = None

    def _recorrer(self):
        resultado = {}

        def hilo():
            try:
                resultado.update(asyncio.run(recorrer(*self._args)))
            except Exception:  # noqa: BLE001  (se informa en cada prueba)
                self._error = "El recorrido del libro en Chromium falló:\n" + traceback.format_exc(limit=5)

        h = threading.Thread(target=hilo, name="libro-en-chromium")
        h.start()
        h.join()
        self._datos = resultado

    def datos(self, doc, dispositivo):
        """Lo medido en ``doc`` (p. ej. «book/intro») en ``dispositivo``; {"error": …} si no se pudo."""
        if self._datos is None:
            self._recorrer()
        if self._error:
            return {"error": self._error}
        return self._datos.get((doc, dispositivo), {"error": f"{doc} no se recorrió en el {dispositivo}"})
