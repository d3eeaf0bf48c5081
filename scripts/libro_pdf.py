"""Construye el libro entero en un solo PDF: ``_build/pdf/libro.pdf`` (``make pdf``).

Sin descargar nada: Jupyter Book construye el libro como una sola página HTML (constructor
``singlehtml``, con la misma caché de ejecución que ``make book``) y el Chromium de Debian la
imprime con Playwright cuando MathJax ha compuesto todas las fórmulas.

Antes de imprimir, ``JS_PREPARAR`` convierte la página en un libro: portada, página de créditos
(edición, año, autoría, licencia y versión, de ``_config.yml``), índice general, capítulos
numerados, un apéndice con las soluciones de los ejercicios (en pantalla van plegadas bajo cada
ejercicio) y un índice alfabético con los términos del glosario. Los enlaces que en papel no
llevarían a ninguna parte (al servidor local que sirve la página, a ficheros descargables o a
direcciones de ejemplo de ``_config.yml``) se quedan en texto.

**Se imprime una sola vez.** Los números de página de los dos índices no se conocen hasta
imprimir: cada uno ocupa un hueco de ancho fijo (un enlace vacío), de modo que escribirlos no
mueve nada. Tras imprimir, se lee en el PDF (pypdf) en qué página cae cada destino y dónde quedó
cada hueco, Chromium imprime en una hoja aparte solo esos números, con la misma letra, y se
superponen a sus páginas (``pypdf``, actualización incremental: el resto del PDF no se toca).

Se ignora la guía del profesor (``book/guia-profesor/``): el PDF es el libro de los estudiantes.

Uso: ``python scripts/libro_pdf.py [--sin-construir]`` desde la raíz del repositorio.
"""
import argparse
import datetime
import functools
import html
import http.server
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]
PAGINA_UNICA = RAIZ / "_build" / "singlehtml"
SALIDA = RAIZ / "_build" / "pdf" / "libro.pdf"
# Lo que se midió al preparar e imprimir el libro (figuras, huecos, enlaces): lo leen las pruebas.
INFORME = SALIDA.with_suffix(".json")
CSS_PDF = Path(__file__).with_suffix(".css")
CHROMIUM = Path(os.environ.get("CHROMIUM_RUTA", "/usr/bin/chromium"))
ESPERA_MS = 120_000
# Direcciones de ejemplo que _config.yml trae hasta que el profesor pone las suyas (README,
# «Publicar el curso») y las del servidor local que sirve la página al imprimirla.
DIRECCIONES_DE_EJEMPLO = r"TU-ORGANIZACION|TU-UNIVERSIDAD|example\.(?:com|org|net)|//localhost\b|//127\.0\.0\.1\b"
# Carpetas del libro que no van al PDF de los estudiantes.
FUERA_DEL_PDF = ("book/guia-profesor/",)
ORDINALES = {1: "Primera", 2: "Segunda", 3: "Tercera", 4: "Cuarta", 5: "Quinta", 6: "Sexta",
             7: "Séptima", 8: "Octava", 9: "Novena", 10: "Décima"}
MESES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
         "octubre", "noviembre", "diciembre")

# Se ejecuta en la página antes de imprimir. Devuelve los huecos de los números de página, los
# destinos cuyas páginas hay que conocer y algunas medidas de la maquetación para las pruebas.
JS_PREPARAR = r"""
(datos) => {
  const articulo = document.querySelector('article.bd-article');
  const ejemplo = new RegExp(datos.direccionesDeEjemplo, 'i');
  const crear = (etiqueta, clase, texto) => {
    const e = document.createElement(etiqueta);
    if (clase) e.className = clase;
    if (texto !== undefined) e.textContent = texto;
    return e;
  };
  let contador = 0;
  const nuevoId = (prefijo) => `${prefijo}-${++contador}`;
  // Un destino propio (id único) justo antes de `elemento`: la página única repite ids de
  // sección («objetivos», «resumen»…) de un capítulo a otro.
  const destinoAntes = (elemento) => {
    const marca = crear('span', 'destino-pdf');
    marca.id = nuevoId('pdf-destino');
    // Dentro de los títulos y términos (un <span> suelto no puede ir en un <dl>); delante del resto.
    if (elemento.matches('h1, h2, h3, h4, dt')) elemento.prepend(marca); else elemento.before(marca);
    return marca.id;
  };
  const desenvolver = (a) => a.replaceWith(...a.childNodes);

  // 0. Páginas que no van al PDF de los estudiantes (guía del profesor).
  for (const prefijo of datos.fueraDelPdf) {
    document.querySelectorAll(`span[id^="document-${prefijo}"]`).forEach(marca => {
      const seccion = marca.nextElementSibling;
      if (seccion && seccion.tagName === 'SECTION') seccion.remove();
      marca.remove();
    });
  }

  // 0b. Fórmulas en bloque más anchas que la página (en pantalla se desplazan en su caja): se
  //     reducen hasta que caben. Si no, Chromium reduce el libro entero hasta que cupieran.
  const formulasReducidas = [];
  for (const c of document.querySelectorAll('mjx-container[display="true"]')) {
    const formula = c.querySelector(':scope > mjx-math');
    const disponible = c.parentElement.getBoundingClientRect().width;
    const ancho = formula ? formula.getBoundingClientRect().width : 0;
    if (ancho > disponible) {
      const escala = Math.floor(100 * disponible / ancho) - 1;
      c.style.fontSize = escala + '%';
      formulasReducidas.push(escala);
    }
  }

  // 0c. Código: cada línea en su propio bloque, con sangría francesa. Una línea demasiado larga
  //     sigue en la línea siguiente, sangrada 4 columnas más que ella: no se confunde con la
  //     siguiente línea de código (en Python, la sangría importa).
  let lineasPartibles = 0;
  for (const pre of articulo.querySelectorAll('div.highlight pre')) {
    const saltos = [];
    const recorrido = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    while (recorrido.nextNode()) {
      const t = recorrido.currentNode;
      for (let i = t.data.indexOf('\n'); i !== -1; i = t.data.indexOf('\n', i + 1)) saltos.push([t, i]);
    }
    // De la última a la primera, para que las posiciones de las anteriores sigan valiendo.
    const inicio = (k) => k === 0 ? [pre, 0] : [saltos[k - 1][0], saltos[k - 1][1] + 1];
    const final = (k) => k === saltos.length ? [pre, pre.childNodes.length] : saltos[k];
    for (let k = saltos.length; k >= 0; k--) {
      const rango = document.createRange();
      rango.setStart(...inicio(k));
      rango.setEnd(...final(k));
      const contenido = rango.extractContents();
      const texto = contenido.textContent;
      if (k === saltos.length && !texto) continue;  // tras el último salto de línea no hay nada
      const linea = crear('span', 'linea-pdf');
      const sangria = texto.match(/^ */)[0].length + 4;
      linea.style.paddingLeft = sangria + 'ch';
      linea.style.textIndent = -sangria + 'ch';
      linea.append(contenido);
      if (!texto) linea.append('\u200b');  // una línea vacía también ocupa su altura
      rango.insertNode(linea);
      lineasPartibles++;
    }
    // Los saltos de línea sobran: cada línea ya es un bloque.
    const r2 = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    const conSalto = [];
    while (r2.nextNode()) if (r2.currentNode.data.includes('\n')) conSalto.push(r2.currentNode);
    conSalto.forEach(t => { t.data = t.data.replace(/\n/g, ''); });
  }

  // 0d. Un bloque de código más alto que media página no puede pasar entero a la siguiente sin
  //     dejar media página en blanco: ese se parte (por una línea), y empieza donde le toca.
  let partidos = 0;
  for (const bloque of articulo.querySelectorAll('div.cell_input, div.cell_output > .output')) {
    if (bloque.getBoundingClientRect().height > 0.5 * datos.altoDeTextoPx) {
      bloque.classList.add('partible-pdf');
      partidos++;
    }
  }

  // 1. Capítulos: cada documento del índice es un <section> precedido de <span id="document-…">.
  const portadaTitulo = articulo.querySelector('h1');
  const capitulos = [...articulo.querySelectorAll('span[id^="document-"] + section')];
  for (const cap of capitulos) {
    cap.classList.add('capitulo-pdf');
    const doc = cap.previousElementSibling.id.replace('document-', '');
    const titulo = cap.querySelector('h1, h2');
    // Capítulos numerados como en el texto («capítulo 3»): los ficheros NN-… del libro.
    const numero = (doc.split('/').pop().match(/^(\d+)-/) || [])[1];
    if (titulo && numero) {
      // Con `numbered: true` Sphinx ya pone «1. » delante del título: se usa su número y se
      // sustituye por la etiqueta «Capítulo 1», como en el texto.
      const numeroSphinx = titulo.querySelector('.section-number');
      const n = numeroSphinx ? parseInt(numeroSphinx.textContent, 10) : parseInt(numero, 10);
      if (numeroSphinx) numeroSphinx.remove();
      titulo.prepend(crear('span', 'numero-capitulo-pdf', 'Capítulo ' + n));
      cap.dataset.numero = n;
    }
  }
  const textoDe = (elemento) => {
    const copia = elemento.cloneNode(true);
    copia.querySelectorAll('.headerlink, .numero-capitulo-pdf, .destino-pdf, mjx-assistive-mml').forEach(e => e.remove());
    copia.querySelectorAll('[id]').forEach(e => e.removeAttribute('id'));  // un id, un sitio
    return copia;
  };

  // 2. Enlaces. Los de la propia página (Sphinx escribe «book/intro.html#x» o «#x») pasan a «#x»;
  //    el del índice de Sphinx (genindex), al índice alfabético del PDF; los de ficheros
  //    descargables y direcciones de ejemplo, a texto. Un párrafo que solo tenía enlaces de
  //    ejemplo («Ábrelo en línea: Binder · JupyterHub · Colab») sobra en papel.
  const paginaActual = new URL(location.href);
  const enlacesQuitados = [];
  for (const a of [...articulo.querySelectorAll('a[href]')]) {
    const href = a.getAttribute('href');
    if (href.startsWith('#')) continue;
    const url = new URL(href, location.href);
    const mismaPagina = url.origin === paginaActual.origin;
    if (mismaPagina && /(^|\/)(intro|libro)\.html$/.test(url.pathname) && url.hash) {
      a.setAttribute('href', url.hash);
    } else if (mismaPagina && /genindex\.html$/.test(url.pathname)) {
      a.setAttribute('href', '#indice-alfabetico-pdf');
    } else if (mismaPagina || ejemplo.test(href) || !/^(https?|mailto):$/.test(url.protocol)) {
      enlacesQuitados.push(href);
      const parrafo = a.closest('p');
      desenvolver(a);
      if (parrafo && parrafo.closest('.curso-taller') && ejemplo.test(href)) parrafo.remove();
    }
  }

  // 3. Apéndice: las soluciones de los ejercicios, por capítulos y con el número del ejercicio.
  const apendice = crear('section', 'capitulo-pdf apendice-pdf');
  apendice.id = 'soluciones-pdf';
  const tituloApendice = crear('h2');
  tituloApendice.append(crear('span', 'numero-capitulo-pdf', 'Apéndice'), 'Soluciones de los ejercicios');
  apendice.append(tituloApendice, crear('p', null,
    'Las soluciones de los ejercicios de cada capítulo, en el orden en que aparecen. ' +
    'El número de cada una lleva a su enunciado.'));
  let soluciones = 0;
  for (const cap of capitulos) {
    const propias = [...cap.querySelectorAll('div.solution')];
    if (!propias.length) continue;
    const grupo = crear('section', 'soluciones-capitulo-pdf');
    const titulo = cap.querySelector('h1, h2');
    const h = crear('h3');
    h.append(...textoDe(titulo).childNodes);
    if (cap.dataset.numero) h.prepend(`Capítulo ${cap.dataset.numero}. `);
    grupo.append(h);
    for (const solucion of propias) {
      let ejercicio = solucion.previousElementSibling;
      while (ejercicio && !ejercicio.matches('div.exercise')) ejercicio = ejercicio.previousElementSibling;
      const cabecera = solucion.querySelector('.admonition-title');
      if (ejercicio && cabecera) {
        const original = ejercicio.querySelector('.admonition-title');
        const enlace = crear('a');
        enlace.href = '#' + ejercicio.id;
        enlace.append(...textoDe(original).childNodes);
        cabecera.replaceChildren(enlace);
      }
      solucion.classList.add('solucion-pdf');
      grupo.append(solucion);
      soluciones++;
    }
    apendice.append(grupo);
  }
  // Tras el último capítulo numerado (antes del glosario y la bibliografía).
  const numerados = capitulos.filter(c => c.dataset.numero);
  const ultimo = numerados.length ? numerados[numerados.length - 1] : capitulos[capitulos.length - 1];
  if (soluciones) ultimo.after(apendice);

  // 4. Huecos para números de página: un enlace vacío de ancho fijo a un destino propio.
  const huecos = [];
  // El enlace del hueco apunta a un destino solo suyo: así se le reconoce en el PDF.
  const hueco = (destinos, caracteres, definicion, donde, info) => {
    const a = crear('a', 'hueco-pdf');
    const propio = destinoAntes(donde);
    a.href = '#' + propio;
    a.style.width = caracteres + 'ch';
    a.setAttribute('aria-hidden', 'true');
    a.dataset.n = huecos.length;
    huecos.push(Object.assign({href: propio, destinos, definicion: definicion || null}, info));
    return a;
  };

  // 5. Índice alfabético: los términos del glosario, con la página de su definición (en negrita)
  //    y las de los capítulos que los enlazan; las variantes remiten al término principal.
  const indiceAlfabetico = crear('section', 'capitulo-pdf');
  indiceAlfabetico.id = 'indice-alfabetico-pdf';
  const tituloIndice = crear('h2', null, 'Índice alfabético');
  indiceAlfabetico.append(tituloIndice, crear('p', 'nota-indice-pdf',
    'Los términos del glosario, con la página donde se definen (en negrita) y las de los ' +
    'capítulos que los usan. Una variante remite a su término principal.'));
  const glosario = articulo.querySelector('dl.glossary') && articulo.querySelector('dl.glossary').closest('section.capitulo-pdf');
  const terminos = [];
  let principal = null;
  for (const dt of articulo.querySelectorAll('dl.glossary > dt[id]')) {
    const previo = dt.previousElementSibling;
    const esVariante = previo && previo.tagName === 'DT';
    const nombre = textoDe(dt).textContent.trim();
    if (!esVariante) principal = {nombre, dt};
    terminos.push({nombre, dt, principal: esVariante ? principal : null});
  }
  const entradasIndice = [];
  for (const t of terminos) {
    if (t.principal) {
      entradasIndice.push({nombre: t.nombre, vease: t.principal.nombre});
      continue;
    }
    const ids = new Set([t.dt.id, ...terminos.filter(v => v.principal && v.principal.dt === t.dt).map(v => v.dt.id)]);
    const usos = [...articulo.querySelectorAll('a[href^="#term-"]')].filter(a =>
      ids.has(a.getAttribute('href').slice(1)) && !(glosario && glosario.contains(a)));
    // Una referencia por capítulo (el libro enlaza el término la primera vez que lo usa).
    const porCapitulo = new Map();
    for (const a of usos) {
      const cap = a.closest('section.capitulo-pdf');
      if (cap && !porCapitulo.has(cap)) porCapitulo.set(cap, a);
    }
    const destinos = [destinoAntes(t.dt), ...[...porCapitulo.values()].slice(0, 6).map(destinoAntes)];
    entradasIndice.push({nombre: t.nombre, destinos, dt: t.dt, ids: [...ids]});
  }
  const clave = (s) => s.replace(/^[^\p{L}\p{N}]+/u, '');
  entradasIndice.sort((a, b) => clave(a.nombre).localeCompare(clave(b.nombre), 'es', {sensitivity: 'base'}));
  const columnas = crear('div', 'columnas-indice-pdf');
  let letra = null;
  for (const e of entradasIndice) {
    const inicial = clave(e.nombre).normalize('NFD')[0].toUpperCase();
    if (inicial !== letra) {
      letra = inicial;
      columnas.append(crear('h3', 'letra-indice-pdf', letra));
    }
    const fila = crear('div', 'entrada-indice-pdf');
    const termino = crear('span', 'termino-pdf', e.nombre);
    fila.append(termino);
    if (e.vease) {
      const vease = crear('span', 'vease-pdf');
      vease.append(crear('em', null, 'véase'), ' ' + e.vease.charAt(0).toLowerCase() + e.vease.slice(1));
      termino.append(', ', vease);
    } else {
      fila.append(hueco(e.destinos, 5 * e.destinos.length, e.destinos[0], e.dt,
                        {indice: 'alfabetico', nombre: e.nombre, ids: e.ids}));
    }
    columnas.append(fila);
  }
  indiceAlfabetico.append(columnas);
  if (entradasIndice.length) articulo.append(indiceAlfabetico);

  // 6. Portada y página de créditos.
  const ed = datos.edicion;
  const portada = crear('section');
  portada.id = 'portada-pdf';
  const logo = document.querySelector('.navbar-brand img');
  if (logo) { const img = crear('img'); img.src = logo.src; img.alt = ''; portada.append(img); }
  const tituloDelLibro = datos.titulo;
  portada.append(crear('div', 'titulo', tituloDelLibro), crear('div', 'edicion', `${ed.nombre} · ${ed.anio}`),
                 crear('div', 'autoria', ed.autores));
  const creditos = crear('section');
  creditos.id = 'creditos-pdf';
  const parrafo = (...partes) => { const p = crear('p'); p.append(...partes); return p; };
  const negrita = (t) => crear('strong', null, t);
  creditos.append(
    parrafo(negrita(tituloDelLibro)),
    parrafo(`${ed.nombre}, ${ed.anio}.`),
    parrafo(`Autoría: ${ed.autores}.`),
    parrafo(`© ${ed.anio} ${ed.autores}. ${ed.licencia}`),
    parrafo(`Versión: ${ed.version}.`),
    parrafo(ed.repositorio ? `Repositorio: ${ed.repositorio}` : ''),
    parrafo('Compuesto con Jupyter Book y MathJax e impreso con Chromium. Las figuras son ' +
            'vectoriales; el código que las dibuja está en la versión web del libro. Las ' +
            'soluciones de los ejercicios están en el apéndice.'));

  // 7. Índice general: presentación, capítulos con sus secciones de primer nivel, apéndice e
  //    índice alfabético, cada uno con el hueco de su número de página.
  const indice = crear('nav');
  indice.id = 'indice-pdf';
  indice.setAttribute('aria-label', 'Índice');
  indice.append(crear('h2', null, 'Índice'));
  const lista = crear('ol');
  indice.append(lista);
  const entrada = (titulo, seccion, nivel, padre, numero) => {
    const li = crear('li', 'nivel-' + nivel);
    const fila = crear('span', 'entrada');
    const a = crear('a');
    const destino = destinoAntes(titulo);
    a.href = '#' + destino;
    if (nivel === 1 && numero) a.append(numero + '. ');
    a.append(...textoDe(titulo).childNodes);
    fila.append(a, crear('span', 'relleno'), hueco([destino], 3, null, titulo,
                                                  {indice: 'general', nombre: a.textContent.trim()}));
    li.append(fila);
    padre.append(li);
    return li;
  };
  if (portadaTitulo) {
    // El título del libro ya está en la portada: la introducción se titula «Presentación».
    portadaTitulo.textContent = 'Presentación';
    portadaTitulo.classList.add('presentacion-pdf');
    entrada(portadaTitulo, portadaTitulo.closest('section'), 1, lista);
  }
  const secciones = [...articulo.querySelectorAll('section.capitulo-pdf')];
  for (const cap of secciones) {
    const titulo = cap.querySelector('h1, h2');
    if (!titulo) continue;
    const li = entrada(titulo, cap, 1, lista, cap.dataset.numero);
    const sub = crear('ol');
    for (const s of cap.querySelectorAll(':scope > section:not(.soluciones-capitulo-pdf)')) {
      const t = s.querySelector(':scope > h2, :scope > h3');
      if (t) entrada(t, s, 2, sub);
    }
    if (sub.children.length) li.append(sub);
  }
  articulo.prepend(portada, creditos, indice);
  document.title = tituloDelLibro;

  // 8. Chromium solo escribe en el PDF los destinos a los que apunta algún enlace: uno oculto
  //    por destino de los índices.
  const todos = [...new Set(huecos.flatMap(h => h.destinos))];
  const oculto = crear('div');
  oculto.style.display = 'none';
  for (const d of todos) { const a = crear('a'); a.href = '#' + d; oculto.append(a); }
  articulo.append(oculto);

  // 9. Medidas para el informe: ancho impreso de cada figura, lo que se sale de la página.
  const anchoPagina = document.documentElement.clientWidth;
  function* ancestros(e) { for (let p = e.parentElement; p && p !== articulo; p = p.parentElement) yield p; }
  const ancho = articulo.getBoundingClientRect().width;
  const figuras = [...articulo.querySelectorAll('figure img, div.cell_output img')].map(i => ({
    src: i.getAttribute('src'), id: (i.closest('figure') || {}).id || null,
    ancho_px: i.getBoundingClientRect().width, natural_px: i.naturalWidth,
  }));
  // Palabras de una tabla partidas en dos líneas o más (una columna demasiado estrecha).
  const palabrasPartidas = [];
  for (const celda of articulo.querySelectorAll('table th, table td')) {
    const recorrido = document.createTreeWalker(celda, NodeFilter.SHOW_TEXT);
    while (recorrido.nextNode()) {
      const t = recorrido.currentNode;
      for (const m of t.data.matchAll(/\S+/g)) {
        const rango = document.createRange();
        rango.setStart(t, m.index);
        rango.setEnd(t, m.index + m[0].length);
        if (new Set([...rango.getClientRects()].map(r => Math.round(r.top))).size > 1) palabrasPartidas.push(m[0]);
      }
    }
  }
  // Letra de cada hueco, para escribir su número igual que el texto que lo rodea.
  document.querySelectorAll('a.hueco-pdf').forEach(a => {
    const e = getComputedStyle(a);
    Object.assign(huecos[a.dataset.n], {tamano_px: parseFloat(e.fontSize), peso: e.fontWeight, color: e.color});
  });
  return {
    huecos, figuras, ancho_columna_px: ancho, soluciones, enlacesQuitados, lineasDeCodigo: lineasPartibles, bloquesPartidos: partidos,
    formulasReducidas, palabrasPartidas,
    desbordan: [...articulo.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > anchoPagina + 1
      && !e.closest('mjx-assistive-mml') && ![...ancestros(e)].some(p => getComputedStyle(p).overflowX !== 'visible'))
      .map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.')).slice(0, 20),
    entradasIndice: entradasIndice.length,
    entradasIndiceGeneral: indice.querySelectorAll('li').length,
    familia: getComputedStyle(articulo).fontFamily,
    colores: {codigo: document.querySelector('div.cell_input') ? getComputedStyle(document.querySelector('div.cell_input')).backgroundColor : null},
  };
}
"""

JS_ESPERAR = r"""
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  if (document.fonts) { await document.fonts.ready; }
  const imgs = [...document.images];
  imgs.forEach(i => { i.loading = 'eager'; });
  await Promise.all(imgs.map(i => i.complete ? null : new Promise(r => {
    i.addEventListener('load', r); i.addEventListener('error', r); })));
  return {
    formulas: document.querySelectorAll('mjx-container').length,
    sinComponer: [...document.querySelectorAll('.math')].filter(m => !m.querySelector('mjx-container')).length,
    errores: document.querySelectorAll('mjx-merror').length,
    rotas: imgs.filter(i => !(i.naturalWidth > 0)).map(i => i.getAttribute('src')),
  };
}
"""

PIE = ('<div style="width:100%; font-size:8px; color:#666; padding:0 12mm; display:flex; '
       'justify-content:space-between; font-family:sans-serif;"><span class="title"></span>'
       '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>')
MARGENES = {"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}
# Ancho de la caja de texto de un A4 (210 mm) con esos márgenes, en píxeles CSS (96 por pulgada).
ANCHO_DE_TEXTO_PX = round((210 - 16 - 16) / 25.4 * 96)
ALTO_DE_TEXTO_PX = round((297 - 16 - 18) / 25.4 * 96)


def _error(mensaje):
    print(f"make pdf: {mensaje}", file=sys.stderr)
    sys.exit(1)


def construir_pagina_unica():
    """jupyter-book build --builder singlehtml (reutiliza la caché de ejecución de los capítulos)."""
    orden = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(RAIZ),
             "--builder", "singlehtml", "--warningiserror", "--keep-going"]
    print("Construyendo el libro en una sola página HTML (_build/singlehtml)…", flush=True)
    # Los capítulos importan `herramientas` (en la raíz): si hay que ejecutarlos, su núcleo debe verla.
    entorno = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(RAIZ), os.environ.get("PYTHONPATH")])))
    resultado = subprocess.run(orden, cwd=RAIZ, capture_output=True, text=True, env=entorno)
    if resultado.returncode != 0:
        _error("falló la construcción del libro en una sola página:\n"
               + resultado.stdout[-4000:] + resultado.stderr[-3000:])


def _git(*argumentos):
    try:
        resultado = subprocess.run(["git", *argumentos], cwd=RAIZ, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return resultado.stdout.strip() if resultado.returncode == 0 else ""


def datos_de_la_edicion(config):
    """Lo que imprimen la portada y la página de créditos, de la clave ``edicion`` de _config.yml."""
    edicion = config.get("edicion") or {}
    numero = int(edicion.get("numero", 1))
    anio = str(edicion.get("anio") or config.get("copyright") or datetime.date.today().year)
    revision, fecha = _git("rev-parse", "--short", "HEAD"), _git("log", "-1", "--format=%cs")
    version = f"{numero}.ª edición"
    if revision:
        dia = datetime.date.fromisoformat(fecha) if fecha else None
        version += f", revisión {revision}" + (f" del {dia.day} de {MESES[dia.month - 1]} de {dia.year}" if dia else "")
    repositorio = (config.get("repository") or {}).get("url", "")
    return {
        "nombre": f"{ORDINALES.get(numero, f'{numero}.ª')} edición",
        "anio": anio,
        "autores": edicion.get("autores") or config.get("author", ""),
        "licencia": edicion.get("licencia", ""),
        "version": version,
        "repositorio": "" if re.search(DIRECCIONES_DE_EJEMPLO, repositorio, re.I) else repositorio,
    }


def _destinos(lector):
    """Página (desde 0) de cada destino con nombre del PDF."""
    paginas = {}
    for nombre, destino in lector.named_destinations.items():
        try:
            paginas[nombre.lstrip("/")] = lector.get_destination_page_number(destino)
        except Exception:  # noqa: BLE001  (un destino sin página no interesa)
            continue
    return paginas


def _huecos_en_el_pdf(lector):
    """Rectángulo y página de cada enlace interno del PDF, por su destino."""
    enlaces = {}
    for n, pagina in enumerate(lector.pages):
        for anotacion in pagina.get("/Annots") or []:
            anotacion = anotacion.get_object()
            destino = anotacion.get("/Dest")
            if anotacion.get("/Subtype") == "/Link" and isinstance(destino, str):
                enlaces.setdefault(destino.lstrip("/"), []).append((n, [float(v) for v in anotacion["/Rect"]]))
    return enlaces


def numeros_de_pagina(pdf, huecos):
    """Para cada hueco: página donde está, su rectángulo y el texto que lleva («12, 45»)."""
    from pypdf import PdfReader

    lector = PdfReader(io.BytesIO(pdf))
    destinos, enlaces = _destinos(lector), _huecos_en_el_pdf(lector)
    sellos, faltan = [], []
    for h in huecos:
        paginas = [destinos.get(d) for d in h["destinos"]]
        if None in paginas or h["href"] not in enlaces:
            faltan.append(h["href"])
            continue
        definicion = destinos[h["definicion"]] + 1 if h["definicion"] else None
        numeros = sorted({p + 1 for p in paginas})
        # Los enlaces a un mismo destino: el hueco es el único que apunta a su destino propio.
        pagina, rect = enlaces[h["href"]][-1]
        sellos.append({"pagina": pagina, "rect": rect, "numeros": numeros, "negrita": definicion,
                       "tamano": h["tamano_px"] * 0.75, "peso": h["peso"], "color": h["color"]})
    return sellos, faltan, lector


def html_de_los_sellos(sellos, ancho, alto, familia):
    """Una hoja por página con números: texto SVG con su línea base en la base de cada hueco.

    Un enlace vacío (inline-block) se apoya en la línea base del texto que lo rodea, así que el
    borde inferior de su rectángulo en el PDF es esa línea base; el número acaba en su borde derecho.
    """
    paginas = {}
    for s in sellos:
        x1, y1, x2, _ = s["rect"]
        partes = [f'<tspan font-weight="{700 if n == s["negrita"] and len(s["numeros"]) > 1 else s["peso"]}">{n}</tspan>'
                  for n in s["numeros"]]
        paginas.setdefault(s["pagina"], []).append(
            f'<text x="{x2:.2f}" y="{alto - y1:.2f}" text-anchor="end" font-size="{s["tamano"]:.2f}" '
            f'fill="{html.escape(s["color"])}">' + ", ".join(partes) + "</text>")
    hojas = [f'<svg class="hoja" xmlns="http://www.w3.org/2000/svg" width="{ancho}pt" height="{alto}pt" '
             f'viewBox="0 0 {ancho} {alto}" font-family="{html.escape(familia)}">'
             + "".join(textos) + "</svg>" for _, textos in sorted(paginas.items())]
    return sorted(paginas), ("<!DOCTYPE html><html lang='es'><head><meta charset='utf-8'><style>"
                             f"@page {{ size: {ancho}pt {alto}pt; margin: 0; }} html, body {{ margin: 0; }}"
                             " svg.hoja { display: block; break-after: page; }</style></head><body>"
                             + "".join(hojas) + "</body></html>")


def imprimir(salida=SALIDA):
    if not CHROMIUM.exists():
        _error(f"falta Chromium en {CHROMIUM}: ejecuta «make chromium» (o indica otra ruta en CHROMIUM_RUTA).")
    indice_html = PAGINA_UNICA / "book" / "intro.html"
    if not indice_html.is_file():
        _error(f"no existe {indice_html.relative_to(RAIZ)}: construye antes la página única.")
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader, PdfWriter

    import yaml
    config = yaml.safe_load((RAIZ / "_config.yml").read_text(encoding="utf-8"))

    class Manejador(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Manejador, directory=str(PAGINA_UNICA)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    # El constructor singlehtml escribe las rutas (_static/, _images/) relativas a la raíz de
    # su salida aunque deje la página en book/: se sirve una copia desde la raíz.
    (PAGINA_UNICA / "libro.html").write_bytes(indice_html.read_bytes())
    url = f"http://127.0.0.1:{httpd.server_address[1]}/libro.html"
    datos = {"direccionesDeEjemplo": DIRECCIONES_DE_EJEMPLO, "fueraDelPdf": list(FUERA_DEL_PDF),
             "altoDeTextoPx": ALTO_DE_TEXTO_PX,
             "titulo": config.get("title", ""), "edicion": datos_de_la_edicion(config)}
    try:
        with sync_playwright() as p:
            navegador = p.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
            try:
                # El ancho de la ventana es el de la caja de texto de la página impresa: así se
                # maqueta y se mide (fórmulas, figuras) como saldrá en el papel.
                pagina = navegador.new_page(locale="es-ES", color_scheme="light",
                                            viewport={"width": ANCHO_DE_TEXTO_PX, "height": 1000})
                pagina.goto(url, wait_until="load", timeout=ESPERA_MS)
                pagina.emulate_media(media="print")
                estado = pagina.evaluate(JS_ESPERAR)
                if estado["sinComponer"] or estado["errores"] or estado["rotas"]:
                    _error(f"la página no está lista para imprimir: {estado}")
                pagina.add_style_tag(path=str(CSS_PDF))
                preparado = pagina.evaluate(JS_PREPARAR, datos)
                pdf = pagina.pdf(format="A4", print_background=True, display_header_footer=True,
                                 header_template="<span></span>", footer_template=PIE, margin=MARGENES,
                                 outline=True, tagged=True)
                sellos, faltan, lector = numeros_de_pagina(pdf, preparado["huecos"])
                if faltan:
                    _error(f"no se encontraron en el PDF {len(faltan)} destinos de los índices: {faltan[:5]}")
                caja = lector.pages[0].mediabox
                ancho, alto = float(caja.width), float(caja.height)
                paginas_con_sellos, hojas = html_de_los_sellos(sellos, ancho, alto, preparado["familia"])
                hoja = navegador.new_page()
                hoja.set_content(hojas, wait_until="load")
                superpuesto = PdfReader(io.BytesIO(hoja.pdf(width=f"{ancho / 72:.4f}in", height=f"{alto / 72:.4f}in",
                                                            margin={"top": "0", "bottom": "0", "left": "0", "right": "0"})))
            finally:
                navegador.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    if len(superpuesto.pages) != len(paginas_con_sellos):
        _error(f"la hoja de números tiene {len(superpuesto.pages)} páginas y se esperaban {len(paginas_con_sellos)}.")
    escritor = PdfWriter(lector, incremental=True)
    for n, hoja_pdf in zip(paginas_con_sellos, superpuesto.pages):
        escritor.pages[n].merge_page(hoja_pdf)
    ed = datos["edicion"]
    escritor.add_metadata({"/Author": ed["autores"], "/Subject": f"{ed['nombre']} ({ed['anio']})",
                           "/Title": datos["titulo"]})
    salida.parent.mkdir(parents=True, exist_ok=True)
    with open(salida, "wb") as fichero:
        escritor.write(fichero)
    informe = {k: preparado[k] for k in ("figuras", "ancho_columna_px", "soluciones", "enlacesQuitados",
                                         "entradasIndice", "entradasIndiceGeneral", "formulasReducidas",
                                         "desbordan", "palabrasPartidas")}
    informe["huecos"] = [{"indice": h.get("indice"), "nombre": h.get("nombre"), "ids": h.get("ids", []),
                          "pagina": s["pagina"] + 1, "numeros": s["numeros"], "definicion": s["negrita"]}
                         for s, h in zip(sellos, preparado["huecos"])]
    informe["colores"] = preparado["colores"]
    informe["lineasDeCodigo"] = preparado["lineasDeCodigo"]
    INFORME.write_text(json.dumps(informe, ensure_ascii=False, indent=1), encoding="utf-8")
    return estado, preparado


def main(argv=None):
    parser = argparse.ArgumentParser(description="Construye el libro entero en _build/pdf/libro.pdf.")
    parser.add_argument("--sin-construir", action="store_true",
                        help="imprime la página única ya construida en _build/singlehtml")
    args = parser.parse_args(argv)
    inicio = time.monotonic()
    if not args.sin_construir:
        construir_pagina_unica()
    print("Imprimiendo con Chromium…", flush=True)
    estado, preparado = imprimir()
    from pypdf import PdfReader
    paginas = len(PdfReader(SALIDA).pages)
    print(f"PDF del libro: {SALIDA.relative_to(RAIZ)} ({paginas} páginas, {estado['formulas']} fórmulas, "
          f"{len(preparado['figuras'])} figuras, {preparado['soluciones']} soluciones en el apéndice, "
          f"{preparado['entradasIndice']} entradas en el índice alfabético) en {time.monotonic() - inicio:.0f} s.")


if __name__ == "__main__":
    main()
