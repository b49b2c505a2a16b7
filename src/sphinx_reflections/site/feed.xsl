<?xml version="1.0" encoding="utf-8"?>
<!--
  sphinx-reflections: what the site's Atom feeds look like in a browser.
  Feed readers never read this file; they read the feed itself.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">
  <xsl:output method="html" encoding="utf-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:template match="/atom:feed">
    <html lang="{@xml:lang}">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="atom:title"/> (@@FEED@@)</title>
        <style>
          :root { color-scheme: light dark; --ink: #1f2328; --muted: #59636e; --paper: #ffffff;
                  --panel: #f6f8fa; --line: #d1d9e0; --accent: #0b5cad; }
          @media (prefers-color-scheme: dark) {
            :root { --ink: #e6edf3; --muted: #9ea7b3; --paper: #0d1117; --panel: #161b22;
                    --line: #3d444d; --accent: #6cb6ff; }
          }
          * { box-sizing: border-box; }
          body { margin: 0; background: var(--paper); color: var(--ink);
                 font: 1rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
          header, main { max-width: 44rem; margin: 0 auto; padding: 0 1rem; }
          header { padding-top: 1.25rem; color: var(--muted); }
          header p { margin: 0; overflow-wrap: anywhere; }
          h1 { font-size: 1.7rem; line-height: 1.25; margin: 0.4rem 0 1rem; overflow-wrap: anywhere; }
          h2 { font-size: 1.25rem; margin: 1.75rem 0 0.5rem; }
          a { color: var(--accent); }
          a:focus-visible { outline: 2px solid currentColor; outline-offset: 2px; }
          .about { background: var(--panel); border: 1px solid var(--line);
                   border-radius: 0.5rem; padding: 0.25rem 1.1rem 0.9rem; }
          .about h2 { margin-top: 0.75rem; }
          .about ol { padding-left: 1.3rem; }
          .about li { margin: 0.3rem 0; }
          code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
                 font-size: 0.92em; overflow-wrap: anywhere; background: var(--paper);
                 border: 1px solid var(--line); border-radius: 0.3rem; padding: 0.05rem 0.3rem; }
          ol.entries { list-style: none; margin: 0; padding: 0; }
          ol.entries > li { border-top: 1px solid var(--line); padding: 0.9rem 0; }
          ol.entries h3 { font-size: 1.1rem; margin: 0 0 0.2rem; overflow-wrap: anywhere; }
          .meta { color: var(--muted); font-size: 0.92rem; margin: 0 0 0.3rem; }
          .summary { margin: 0; }
          footer { max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: var(--muted);
                   font-size: 0.9rem; }
        </style>
      </head>
      <body>
        <header>
          <p>@@SITE@@</p>
        </header>
        <main>
          <h1><xsl:value-of select="atom:title"/></h1>
          <section class="about" aria-labelledby="about-feeds">
            <h2 id="about-feeds">@@WHAT@@</h2>
            <p>@@EXPLAIN@@</p>
            <ol>
              <li>@@COPY@@ <code><xsl:value-of select="atom:link[@rel='self']/@href"/></code></li>
              <li>@@PASTE@@</li>
            </ol>
            <p>@@NOTHING@@</p>
            <p><a href="{atom:link[@rel='alternate']/@href}">@@ON_SITE@@</a></p>
          </section>
          <section aria-labelledby="newest">
            <h2 id="newest">@@NEWEST@@</h2>
            <xsl:choose>
              <xsl:when test="atom:entry">
                <ol class="entries">
                  <xsl:apply-templates select="atom:entry"/>
                </ol>
              </xsl:when>
              <xsl:otherwise>
                <p>@@EMPTY@@</p>
              </xsl:otherwise>
            </xsl:choose>
          </section>
        </main>
        <footer>
          <p>@@FOOTER@@</p>
        </footer>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li>
      <article>
        <h3><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h3>
        <p class="meta">
          <time datetime="{substring(atom:published, 1, 10)}">
            <xsl:value-of select="substring(atom:published, 1, 10)"/>
          </time>
          <xsl:for-each select="atom:author">
            <xsl:choose>
              <xsl:when test="position() = 1"> · </xsl:when>
              <xsl:otherwise>, </xsl:otherwise>
            </xsl:choose>
            <xsl:value-of select="atom:name"/>
          </xsl:for-each>
        </p>
        <xsl:if test="atom:summary">
          <p class="summary"><xsl:value-of select="atom:summary"/></p>
        </xsl:if>
      </article>
    </li>
  </xsl:template>
</xsl:stylesheet>
