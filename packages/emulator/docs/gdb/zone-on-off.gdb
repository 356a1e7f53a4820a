# avr-gdb against `esphil run fixtures/scenarios/zone-on-off.yaml --avr-elf
# fixtures/avr/relay-slave.elf --gdb --gdb-wait`: the scenario publishes "2 120"
# on irrigation/zone/on; the ESP sends 0xFB (zone 2 on, inverted) over SPI, and
# 120 s later 0xFF. Run from the repository root:
#   avr-gdb -batch fixtures/avr/relay-slave.elf -ex 'target remote 127.0.0.1:1234' -x packages/emulator/docs/gdb/zone-on-off.gdb
set trace-commands on
set confirm off
directory packages/avr-slave/firmware

# The SPI interrupt handler: the first byte of the scenario's publish.
break __vector_17
continue
monitor spi
# push r1 takes 2 cycles (AVR instruction set manual, PUSH).
monitor time
stepi
monitor time

# A breakpoint by source line: the ELF's DWARF line table.
break relay-slave.c:30
continue
print/x value

# reti, the handler's last instruction (avr-objdump -d): one more step returns to main.
break *0x9c
continue
stepi
print/x *(unsigned char *)0x2b
info registers SP SREG PC2
monitor relays

# PORTD (data address 0x2b) changes when the ESP's zone timer switches zone 2 off.
delete
watch *(unsigned char *)0x2b
continue
monitor time
monitor relays

delete
detach
