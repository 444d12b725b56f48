// Generates syntaxes/ftrace.tmLanguage.json: `node syntaxes/build-grammar.mjs > syntaxes/ftrace.tmLanguage.json`.
// The regexes stay in the Oniguruma subset JavaScript also understands (no possessive quantifiers, no \h),
// so the unit test can check them with vscode-textmate + vscode-oniguruma on real trace lines.
// Source of syntaxes/ftrace.tmLanguage.json (kept readable here, emitted as JSON).
const SYM = '[A-Za-z_.$][\\w.$]*';
const g = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'ftrace',
  scopeName: 'source.ftrace',
  patterns: [
    { include: '#header' },
    { include: '#lost' },
    { include: '#stack-frame' },
    { include: '#perf-callchain' },
    { include: '#funcgraph-line' },
    { include: '#ftrace-line' },
    { include: '#perf-line' },
  ],
  repository: {
    header: {
      patterns: [
        { name: 'comment.line.number-sign.ftrace', match: '^\\s*#.*$' },
        { name: 'comment.line.header.trace-cmd.ftrace', match: '^(?:cpus=\\d+|version = \\d+|CPU \\d+ is empty)\\s*$' },
        { name: 'comment.line.context-switch.ftrace', match: '^\\s*(?:-{10,}|\\|\\s*\\d+\\)\\s+.*=>.*)\\s*$' },
      ],
    },
    lost: {
      patterns: [
        { name: 'invalid.illegal.lost-events.ftrace', match: '^\\s*CPU:\\s*\\d+\\s+\\[(?:LOST(?: \\d+)? EVENTS|\\d* ?EVENTS DROPPED|SUBBUFFER START)\\]\\s*$' },
        { name: 'invalid.illegal.lost-events.ftrace', match: '^#{5} CPU \\d+ buffer started #{4}\\s*$' },
      ],
    },
    'stack-frame': {
      // ` => sym+0x1c3/0x6f0 [mod]` (ftrace), `=> sym (ffffffff814b260e)` (trace-cmd), ` =>  <00007f..>` (user stack)
      match: `^\\s*(=>)\\s+(?:(<[0-9a-fA-F]+>)|(0x[0-9a-fA-F]+)|(${SYM})(\\+0x[0-9a-fA-F]+(?:/0x[0-9a-fA-F]+)?)?)(?:\\s+(\\[[\\w-]+\\]))?(?:\\s+\\(([0-9a-fA-F]+)\\))?\\s*$`,
      name: 'meta.stack-frame.ftrace',
      captures: {
        1: { name: 'punctuation.definition.stack-frame.ftrace' },
        2: { name: 'constant.numeric.hex.address.ftrace' },
        3: { name: 'constant.numeric.hex.address.ftrace' },
        4: { name: 'entity.name.function.stack-frame.ftrace' },
        5: { name: 'constant.numeric.offset.ftrace' },
        6: { name: 'entity.name.namespace.module.ftrace' },
        7: { name: 'constant.numeric.hex.address.ftrace' },
      },
    },
    'perf-callchain': {
      // `\tffffffffb7ad6b30 __schedule+0x8e0 ([kernel.kallsyms])`
      match: `^\\s+([0-9a-fA-F]{6,16})\\s+(${SYM}|\\[unknown\\])(\\+0x[0-9a-fA-F]+)?\\s+(\\(.*\\))\\s*$`,
      name: 'meta.stack-frame.perf.ftrace',
      captures: {
        1: { name: 'constant.numeric.hex.address.ftrace' },
        2: { name: 'entity.name.function.stack-frame.ftrace' },
        3: { name: 'constant.numeric.offset.ftrace' },
        4: { name: 'entity.name.namespace.module.ftrace' },
      },
    },
    'funcgraph-line': {
      // `   19.848658 |   0)  hmmtrac-358   | + 29.464 us   |    __cond_resched();`
      begin: '^\\s*(?:(\\d+\\.\\d+)\\s+\\|\\s+)?(\\d+\\))\\s+(?:(\\S.*?)-(\\d+)\\s+\\|\\s+)?(?:([+!#*@$])\\s*)?(?:(\\d+(?:\\.\\d+)?\\s+us)\\s+)?\\|',
      beginCaptures: {
        1: { name: 'constant.numeric.timestamp.ftrace' },
        2: { name: 'constant.numeric.cpu.ftrace' },
        3: { name: 'entity.name.type.task.ftrace' },
        4: { name: 'constant.numeric.pid.ftrace' },
        5: { name: 'keyword.operator.overhead.ftrace' },
        6: { name: 'constant.numeric.duration.ftrace' },
      },
      end: '$',
      name: 'meta.function-graph.ftrace',
      patterns: [
        { name: 'string.unquoted.marker.ftrace', match: '/\\*.*?\\*/' },
        { name: 'punctuation.section.block.begin.ftrace', match: '\\{\\s*$' },
        { name: 'punctuation.section.block.end.ftrace', match: '\\}' },
        { name: 'keyword.control.irq.ftrace', match: '={10}>|<={10}' },
        {
          match: `(${SYM})(?:\\s+(\\[[\\w-]+\\]))?(?=\\()`,
          captures: { 1: { name: 'entity.name.function.ftrace' }, 2: { name: 'entity.name.namespace.module.ftrace' } },
        },
      ],
    },
    'ftrace-line': {
      // `comm-PID [(TGID)] [CPU] [flags] TIMESTAMP: ` as printed by trace_print_context() and trace-cmd report
      begin: '^\\s*(\\S.*?)-(\\d+)\\s+(?:(\\(\\s*(?:\\d+|-+)\\))\\s+)?(\\[\\d+\\])\\s+(?:([.a-zA-Z0-9]{4,7})\\s+)?(\\d+(?:\\.\\d+)?)(:)',
      beginCaptures: {
        1: { name: 'entity.name.type.task.ftrace' },
        2: { name: 'constant.numeric.pid.ftrace' },
        3: { name: 'constant.numeric.tgid.ftrace' },
        4: { name: 'constant.numeric.cpu.ftrace' },
        5: { name: 'storage.modifier.flags.ftrace' },
        6: { name: 'constant.numeric.timestamp.ftrace' },
        7: { name: 'punctuation.separator.ftrace' },
      },
      end: '$',
      name: 'meta.event.ftrace',
      patterns: [{ include: '#body' }],
    },
    'perf-line': {
      // perf script: `comm PID[/TID] [CPU] TIMESTAMP: [period] system:event: body`
      begin: '^\\s*(\\S.*?)\\s+(\\d+)(?:(/)(\\d+))?\\s+(\\[\\d+\\])\\s+(\\d+\\.\\d+)(:)(?:\\s+(\\d+))?',
      beginCaptures: {
        1: { name: 'entity.name.type.task.ftrace' },
        2: { name: 'constant.numeric.pid.ftrace' },
        4: { name: 'constant.numeric.pid.ftrace' },
        5: { name: 'constant.numeric.cpu.ftrace' },
        6: { name: 'constant.numeric.timestamp.ftrace' },
        7: { name: 'punctuation.separator.ftrace' },
        8: { name: 'constant.numeric.decimal.ftrace' },
      },
      end: '$',
      name: 'meta.event.perf.ftrace',
      patterns: [{ include: '#body' }],
    },
    body: {
      patterns: [
        {
          // user annotations written to trace_marker; trace-cmd prefixes `print:`
          match: '\\G\\s*(?:(print)(:)\\s+)?(tracing_mark_write)(:)\\s?(.*)$',
          captures: {
            1: { name: 'keyword.other.event.ftrace' },
            2: { name: 'punctuation.separator.ftrace' },
            3: { name: 'keyword.other.event.marker.ftrace' },
            4: { name: 'punctuation.separator.ftrace' },
            5: { name: 'string.unquoted.marker.ftrace' },
          },
        },
        { match: '\\G\\s*(<(?:user )?stack trace>)', captures: { 1: { name: 'keyword.other.event.stack.ftrace' } } },
        {
          // syscall tracer: `sys_ioctl(fd: 4, ...)` and `sys_ioctl -> 0x0`
          begin: '\\G\\s*(sys_\\w+)(\\()',
          beginCaptures: { 1: { name: 'keyword.other.event.syscall.ftrace' }, 2: { name: 'punctuation.section.parens.begin.ftrace' } },
          end: '(\\))|$',
          endCaptures: { 1: { name: 'punctuation.section.parens.end.ftrace' } },
          patterns: [{ include: '#fields' }],
        },
        {
          match: '\\G\\s*(sys_\\w+)\\s+(->)\\s+(\\S+)',
          captures: {
            1: { name: 'keyword.other.event.syscall.ftrace' },
            2: { name: 'keyword.operator.return.ftrace' },
            3: { name: 'constant.numeric.hex.ftrace' },
          },
        },
        {
          // function tracer: `func <-parent` (ftrace), `function: func <-- parent` (trace-cmd)
          match: `\\G\\s*(?:(function)(:)\\s+)?(${SYM})(\\+0x[0-9a-fA-F]+/0x[0-9a-fA-F]+)?\\s+(<--?)\\s*(${SYM})(\\+0x[0-9a-fA-F]+/0x[0-9a-fA-F]+)?`,
          captures: {
            1: { name: 'keyword.other.event.ftrace' },
            2: { name: 'punctuation.separator.ftrace' },
            3: { name: 'entity.name.function.ftrace' },
            4: { name: 'constant.numeric.offset.ftrace' },
            5: { name: 'keyword.operator.return.ftrace' },
            6: { name: 'entity.name.function.caller.ftrace' },
            7: { name: 'constant.numeric.offset.ftrace' },
          },
        },
        {
          // `name:` or perf/trace-cmd `system:name:`
          match: '\\G\\s*(?:([\\w.-]+)(:))?([\\w.-]+)(:)(?=\\s|$)',
          captures: {
            1: { name: 'entity.name.namespace.system.ftrace' },
            2: { name: 'punctuation.separator.ftrace' },
            3: { name: 'keyword.other.event.ftrace' },
            4: { name: 'punctuation.separator.ftrace' },
          },
        },
        { include: '#probe-site' },
        { include: '#fields' },
      ],
    },
    'probe-site': {
      // kprobe `(sym+0x0/0x190)`, kretprobe `(caller+0x1c3/0x6f0 [mod] <- callee)`, raw `(ffffffff812df454)`
      begin: '\\((?=[\\w.$]+(?:\\+0x[0-9a-fA-F]+(?:/0x[0-9a-fA-F]+)?)?(?:\\s+\\[[\\w-]+\\])?\\s*(?:\\)|<-))',
      beginCaptures: { 0: { name: 'punctuation.section.probe.begin.ftrace' } },
      end: '\\)',
      endCaptures: { 0: { name: 'punctuation.section.probe.end.ftrace' } },
      name: 'meta.probe-site.ftrace',
      patterns: [
        { name: 'keyword.operator.return.ftrace', match: '<-' },
        { name: 'constant.numeric.hex.address.ftrace', match: '\\b(?:0x)?[0-9a-f]{8,16}\\b' },
        { name: 'entity.name.namespace.module.ftrace', match: '\\[[\\w-]+\\]' },
        { name: 'constant.numeric.offset.ftrace', match: '\\+0x[0-9a-fA-F]+(?:/0x[0-9a-fA-F]+)?' },
        { name: 'entity.name.function.probe.ftrace', match: SYM },
      ],
    },
    fields: {
      patterns: [
        {
          // `key=value` (kprobe fetch args, most TP_printk) and `key: value` (syscalls, tlb_flush)
          match: '\\b([A-Za-z_][\\w.]*(?:\\[\\d+\\])?)(=|:\\s?)(?:(0x[0-9a-fA-F]+|[0-9a-f]{9,16}\\b)|(-?\\d+(?:\\.\\d+)?)\\b|("[^"]*")|([^\\s,]+))?',
          captures: {
            1: { name: 'variable.parameter.field.ftrace' },
            2: { name: 'keyword.operator.assignment.ftrace' },
            3: { name: 'constant.numeric.hex.address.ftrace' },
            4: { name: 'constant.numeric.decimal.ftrace' },
            5: { name: 'string.quoted.double.ftrace' },
            6: { name: 'string.unquoted.value.ftrace' },
          },
        },
        { name: 'constant.numeric.hex.address.ftrace', match: '\\b0x[0-9a-fA-F]+\\b' },
        { name: 'constant.numeric.decimal.ftrace', match: '(?<![\\w.])-?\\d+\\b' },
      ],
    },
  },
};
process.stdout.write(JSON.stringify(g, null, 2) + '\n');
