;; A minimal module implementing the OPA Wasm ABI 1.3 entry points that
;; @open-policy-agent/opa-wasm calls (opa_eval fast path), for tests only: it is
;; not compiled Rego. Values are NUL-terminated JSON texts; "parse" copies the
;; text, "dump" returns it. Entrypoints:
;;   0 test/admin_only    [{"result":true}] when the input contains the bytes "admin" (quoted), else false
;;   1 test/undefined     []  (undefined document)
;;   2 test/allow_object  [{"result":{"allow":true}}]
;;   3 test/data          [{"result":<data>}] (what setData gave)
;;   4 test/abort         calls opa_abort
(module
  (import "env" "memory" (memory 2))
  (import "env" "opa_abort" (func $opa_abort (param i32)))
  (global $heap (mut i32) (i32.const 8192))
  (global (export "opa_wasm_abi_version") i32 (i32.const 1))
  (global (export "opa_wasm_abi_minor_version") i32 (i32.const 3))
  (data (i32.const 16) "{}\00")
  (data (i32.const 32) "{\"test/admin_only\":0,\"test/undefined\":1,\"test/allow_object\":2,\"test/data\":3,\"test/abort\":4}\00")
  (data (i32.const 512) "[{\"result\":true}]\00")
  (data (i32.const 544) "[{\"result\":false}]\00")
  (data (i32.const 576) "[]\00")
  (data (i32.const 592) "[{\"result\":{\"allow\":true}}]\00")
  (data (i32.const 640) "\"admin\"")
  (data (i32.const 656) "policy aborted on purpose\00")
  (data (i32.const 704) "[{\"result\":")
  (data (i32.const 720) "}]\00")

  (func (export "builtins") (result i32) (i32.const 16))
  (func (export "entrypoints") (result i32) (i32.const 32))
  (func (export "opa_heap_ptr_get") (result i32) (global.get $heap))
  (func (export "opa_heap_ptr_set") (param $p i32) (global.set $heap (local.get $p)))

  (func $malloc (export "opa_malloc") (param $n i32) (result i32)
    (local $p i32)
    (local.set $p (global.get $heap))
    (global.set $heap (i32.add (global.get $heap) (local.get $n)))
    (local.get $p))

  (func $copy (param $dst i32) (param $src i32) (param $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (i32.store8 (local.get $dst) (i32.load8_u (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (local.set $src (i32.add (local.get $src) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next))))

  (func $strlen (param $s i32) (result i32)
    (local $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (i32.load8_u (i32.add (local.get $s) (local.get $n)))))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $n))

  (func (export "opa_json_parse") (param $addr i32) (param $len i32) (result i32)
    (local $p i32)
    (local.set $p (call $malloc (i32.add (local.get $len) (i32.const 1))))
    (call $copy (local.get $p) (local.get $addr) (local.get $len))
    (i32.store8 (i32.add (local.get $p) (local.get $len)) (i32.const 0))
    (local.get $p))

  (func (export "opa_json_dump") (param $v i32) (result i32) (local.get $v))

  ;; 1 when the 7 bytes at 640 ("admin" with quotes) occur in [hay, hay+len)
  (func $contains (param $hay i32) (param $len i32) (result i32)
    (local $i i32) (local $j i32)
    (block $no
      (loop $outer
        (br_if $no (i32.gt_s (i32.add (local.get $i) (i32.const 7)) (local.get $len)))
        (local.set $j (i32.const 0))
        (block $mismatch
          (loop $inner
            (if (i32.eq (local.get $j) (i32.const 7)) (then (return (i32.const 1))))
            (br_if $mismatch
              (i32.ne
                (i32.load8_u (i32.add (i32.add (local.get $hay) (local.get $i)) (local.get $j)))
                (i32.load8_u (i32.add (i32.const 640) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $inner)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outer)))
    (i32.const 0))

  (func (export "opa_eval")
    (param $reserved i32) (param $ep i32) (param $data i32) (param $input i32)
    (param $len i32) (param $heapPtr i32) (param $format i32) (result i32)
    (local $out i32) (local $n i32)
    (global.set $heap (local.get $heapPtr))
    (if (i32.eq (local.get $ep) (i32.const 0))
      (then
        (if (call $contains (local.get $input) (local.get $len))
          (then (return (i32.const 512))))
        (return (i32.const 544))))
    (if (i32.eq (local.get $ep) (i32.const 1)) (then (return (i32.const 576))))
    (if (i32.eq (local.get $ep) (i32.const 2)) (then (return (i32.const 592))))
    (if (i32.eq (local.get $ep) (i32.const 3))
      (then
        (local.set $n (call $strlen (local.get $data)))
        (local.set $out (call $malloc (i32.add (local.get $n) (i32.const 14))))
        (call $copy (local.get $out) (i32.const 704) (i32.const 11))
        (call $copy (i32.add (local.get $out) (i32.const 11)) (local.get $data) (local.get $n))
        (call $copy (i32.add (i32.add (local.get $out) (i32.const 11)) (local.get $n)) (i32.const 720) (i32.const 3))
        (return (local.get $out))))
    (if (i32.eq (local.get $ep) (i32.const 4))
      (then (call $opa_abort (i32.const 656)) (unreachable)))
    (i32.const 576)))
