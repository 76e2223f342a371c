// The task editor's client state (Alpine) and its dependency diagram (dagre positions, drawn by Cytoscape).
(function () {
  'use strict';

  const LAYOUT_KEY = 'polysync.editor.dependencies.layout';
  let nextKey = 1;
  const keyed = (item) => Object.assign(item, { _k: nextKey++ });

  function storedLayout() {
    try {
      return localStorage.getItem(LAYOUT_KEY) === 'stacked' ? 'stacked' : 'split';
    } catch (e) {
      return 'split';
    }
  }

  function taskUrl(name) {
    return '/tasks/' + encodeURIComponent(name) + '?tab=dependencies';
  }

  // The graph around `self`: its parents as the form lists them and their saved ancestors, and its saved
  // descendants. `edges` are the saved dependencies as [child, parent].
  function neighbourhood(self, formParents, edges) {
    const parentsOf = new Map();
    const childrenOf = new Map();
    const push = (map, key, value) => {
      if (!map.has(key)) map.set(key, []);
      map.get(key).push(value);
    };
    for (const [child, parent] of edges) {
      if (child === self) continue;
      push(parentsOf, child, parent);
      push(childrenOf, parent, child);
    }
    parentsOf.set(self, formParents);
    const kinds = new Map([[self, 'self']]);
    const links = [];
    const seenEdges = new Set();
    const link = (parent, child) => {
      const id = parent + '\u2192' + child;
      if (!seenEdges.has(id)) {
        seenEdges.add(id);
        links.push([parent, child]);
      }
    };
    let queue = [self];
    while (queue.length) {
      const current = queue.shift();
      for (const parent of parentsOf.get(current) || []) {
        link(parent, current);
        if (!kinds.has(parent)) {
          kinds.set(parent, 'up');
          queue.push(parent);
        }
      }
    }
    queue = [self];
    while (queue.length) {
      const current = queue.shift();
      for (const child of childrenOf.get(current) || []) {
        link(current, child);
        if (!kinds.has(child)) {
          kinds.set(child, 'down');
          queue.push(child);
        }
      }
    }
    return { kinds, links };
  }

  function draw(container, self, formParents, edges) {
    if (!container || typeof cytoscape === 'undefined' || typeof dagre === 'undefined') return null;
    const { kinds, links } = neighbourhood(self, formParents, edges);
    const g = new dagre.graphlib.Graph();
    // left to right where there is room; top to bottom on a phone, where a long chain would shrink to nothing
    const narrow = container.clientWidth < 600;
    g.setGraph({ rankdir: narrow ? 'TB' : 'LR', nodesep: 24, ranksep: narrow ? 40 : 60, marginx: 10, marginy: 10 });
    g.setDefaultEdgeLabel(() => ({}));
    const sizes = new Map();
    for (const name of kinds.keys()) {
      const size = { width: Math.max(70, name.length * 7.5 + 24), height: 34 };
      sizes.set(name, size);
      g.setNode(name, size);
    }
    for (const [parent, child] of links) g.setEdge(parent, child);
    dagre.layout(g);

    const elements = [];
    for (const [name, kind] of kinds) {
      const n = g.node(name);
      elements.push({
        group: 'nodes',
        data: { id: name, label: name, w: sizes.get(name).width },
        position: { x: n.x, y: n.y },
        classes: kind
      });
    }
    links.forEach(([parent, child], i) => elements.push({
      group: 'edges', data: { id: 'e' + i, source: parent, target: child }
    }));

    if (window.polysyncDiagram) window.polysyncDiagram.destroy();
    const cy = cytoscape({
      container,
      elements,
      layout: { name: 'preset' },
      autoungrabify: true,
      boxSelectionEnabled: false,
      minZoom: 0.3,
      maxZoom: 1.5,
      style: [
        { selector: 'node', style: {
          shape: 'round-rectangle', width: 'data(w)', height: 34, label: 'data(label)',
          'text-valign': 'center', 'text-halign': 'center', 'font-size': 13, color: '#212529',
          'background-color': '#e9ecef', 'border-width': 1, 'border-color': '#adb5bd'
        } },
        { selector: 'node.self', style: { 'background-color': '#0d6efd', color: '#fff', 'border-color': '#0a58ca' } },
        { selector: 'node.up', style: { 'background-color': '#d1e7dd', 'border-color': '#198754' } },
        { selector: 'node.down', style: { 'background-color': '#fff3cd', 'border-color': '#cc9a06' } },
        { selector: 'edge', style: {
          width: 2, 'line-color': '#6c757d', 'target-arrow-color': '#6c757d', 'target-arrow-shape': 'triangle',
          'curve-style': 'bezier'
        } }
      ]
    });
    cy.fit(undefined, 20);
    cy.on('tap', 'node', (event) => {
      const name = event.target.id();
      if (!event.target.hasClass('self')) window.location.href = taskUrl(name);
    });
    cy.on('mouseover', 'node', (event) => {
      container.style.cursor = event.target.hasClass('self') ? 'default' : 'pointer';
    });
    cy.on('mouseout', 'node', () => { container.style.cursor = 'default'; });
    window.polysyncDiagram = cy;
    return cy;
  }

  document.addEventListener('alpine:init', () => {
    window.Alpine.data('taskEditor', () => ({
      tab: 'general', self: '', job: '', platform: '', jobType: '', deps: [], schedules: [], errors: {},
      jobs: [], tasks: {}, edges: [], layout: 'split', unsaved: false,

      init() {
        const state = JSON.parse(this.$el.dataset.state);
        this.tab = state.tab;
        this.self = state.self;
        this.job = state.job;
        this.platform = state.platform;
        this.jobType = state.jobType;
        this.errors = state.errors || {};
        this.jobs = state.jobs;
        this.tasks = state.tasks;
        this.edges = state.edges;
        this.deps = state.deps.map((d) => keyed({ task: d.task, mappings: d.mappings.map((m) => keyed({ ...m })) }));
        this.schedules = state.schedules.map((s) => keyed({ ...s }));
        this.layout = storedLayout();
        this.$watch('deps', () => {
          this.unsaved = true;
          this.redraw();
        });
        this.$watch('schedules', () => { this.unsaved = true; });
        // a refused save came back with what was typed, which is still not saved
        this.unsaved = Object.keys(this.errors).length > 0;
        this.guardUnsavedChanges();
        this.$nextTick(() => this.redraw());
      },

      // Leaving with unsaved edits (a diagram node, a link, the nav, Run Once) asks first; Save and Discard don't.
      guardUnsavedChanges() {
        const form = document.getElementById('task-form');
        if (!form) return;
        const edited = () => { this.unsaved = true; };
        form.addEventListener('input', edited);
        form.addEventListener('change', edited);
        form.addEventListener('submit', () => { this.unsaved = false; });
        for (const discard of form.querySelectorAll('[data-discard]')) {
          discard.addEventListener('click', () => { this.unsaved = false; });
        }
        window.addEventListener('beforeunload', (event) => {
          if (this.unsaved) {
            event.preventDefault();
            event.returnValue = '';
          }
        });
      },

      show(tab) {
        this.tab = tab;
        const url = new URL(window.location.href);
        url.searchParams.set('tab', tab);
        history.replaceState(null, '', url);
        if (tab === 'dependencies') this.$nextTick(() => this.redraw());
      },

      setLayout(layout) {
        this.layout = layout;
        try {
          localStorage.setItem(LAYOUT_KEY, layout);
        } catch (e) {
          // storage refused (private mode): the choice lasts for this page only
        }
        this.$nextTick(() => this.redraw());
      },

      redraw() {
        if (this.tab !== 'dependencies') return;
        const parents = this.deps.map((d) => d.task).filter((t) => t);
        draw(this.$refs.diagram, this.self || '(this new task)', parents, this.edges);
      },

      related() {
        const parents = this.deps.map((d) => d.task).filter((t) => t);
        const { kinds } = neighbourhood(this.self || '(this new task)', parents, this.edges);
        return [...kinds.keys()].filter((n) => kinds.get(n) !== 'self');
      },

      diagramLabel() {
        const names = this.related();
        return names.length ? 'Dependency diagram with ' + names.join(', ') : 'Dependency diagram: no related tasks';
      },

      taskUrl,

      jobFilterChanged() {
        if (this.job && !this.filteredJobs().some((j) => j.name === this.job)) {
          this.job = '';
          this.$nextTick(() => document.getElementById('job').dispatchEvent(new Event('change')));
        }
      },

      filteredJobs() {
        return this.jobs.filter((j) => (!this.platform || j.platform === this.platform)
          && (!this.jobType || j.jobType === this.jobType));
      },

      paramNames() {
        const job = this.jobs.find((j) => j.name === this.job);
        return job ? job.parameters : [];
      },

      parentChoices(current) {
        const chosen = new Set(this.deps.map((d) => d.task));
        return Object.keys(this.tasks).filter((n) => n !== this.self && (n === current || !chosen.has(n)));
      },

      outputsOf(task) {
        return this.tasks[task] || [];
      },

      // Keeps a value the lists no longer offer visible, so a refused save shows what was sent.
      withCurrent(list, value) {
        return value && !list.includes(value) ? [...list, value] : list;
      },

      mappedFrom(param) {
        for (const d of this.deps) {
          for (const m of d.mappings) {
            if (d.task && m.input === param) {
              return 'Filled by output “' + (m.output || '?') + '” of upstream task “' + d.task + '”.';
            }
          }
        }
        return '';
      },

      err(field) {
        return this.errors[field] || '';
      },

      mappingError(i, j) {
        const prefix = 'dependencies[' + i + '].mappings[' + j + ']';
        return [this.err(prefix), this.err(prefix + '.output'), this.err(prefix + '.input')]
          .filter((e) => e).join('; ');
      },

      forget(prefix) {
        this.errors = Object.fromEntries(Object.entries(this.errors).filter(([k]) => !k.startsWith(prefix)));
      },

      addDep() {
        this.deps.push(keyed({ task: '', mappings: [] }));
      },

      removeDep(i) {
        this.deps.splice(i, 1);
        this.forget('dependencies[');
      },

      addMapping(dep) {
        dep.mappings.push(keyed({ output: '', input: '' }));
      },

      removeMapping(dep, j) {
        dep.mappings.splice(j, 1);
        this.forget('dependencies[');
      },

      addSchedule() {
        this.schedules.push(keyed({ cron: '', timeZone: 'UTC' }));
        this.$nextTick(() => {
          const inputs = document.querySelectorAll('.cron-input');
          if (inputs.length) inputs[inputs.length - 1].focus();
        });
      },

      removeSchedule(i) {
        this.schedules.splice(i, 1);
        this.forget('schedules[');
        this.$nextTick(() => window.dispatchEvent(new CustomEvent('schedules-changed')));
      }
    }));
  });
})();
