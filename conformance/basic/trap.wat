;; An `unreachable` instruction must end the run as a trap, with WAMR's message.
(module
  (func (export "_start") unreachable)
  (memory (export "memory") 1))
