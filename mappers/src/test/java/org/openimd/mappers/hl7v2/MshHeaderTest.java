package org.openimd.mappers.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MshHeaderTest {

	@Test
	void readsSenderControlIdAndEnhancedAckRequest() throws MessageRejectedException {
		MshHeader header = MshHeader.read(
				"MSH|^~\\&|CARELINK^1.2^ISO|MDT|OPENIMD|CLINIC|20260101120000||ORU^R01^ORU_R01|MSG-7|P|2.6|||AL|NE\rPID|||1");

		assertThat(header.sender()).isEqualTo("CARELINK^MDT");
		assertThat(header.controlId()).isEqualTo("MSG-7");
		assertThat(header.messageType() + "^" + header.triggerEvent()).isEqualTo("ORU^R01");
		assertThat(header.acceptAckType()).contains("AL");
		assertThat(header.applicationAckType()).contains("NE");
		assertThat(header.enhancedAcknowledgement()).isTrue();
	}

	@Test
	void originalModeWhenMsh15And16AreEmpty() throws MessageRejectedException {
		MshHeader header = MshHeader.read("MSH|^~\\&||STJ|||20100322140000||ORU^R01^ORU_R01|PCS102773|P|2.5\nPID|||1");

		assertThat(header.enhancedAcknowledgement()).isFalse();
		assertThat(header.version()).isEqualTo("2.5");
	}

	@Test
	void textWithoutMshIsRejected() {
		assertThatThrownBy(() -> MshHeader.read("PID|||1"))
				.isInstanceOfSatisfying(MessageRejectedException.class,
						rejected -> assertThat(rejected.openImdCode()).isEqualTo("OPENIMD-1001"));
	}

	@Test
	void headerCutShortBySegmentEndIsRejected() {
		assertThatThrownBy(() -> MshHeader.read("MSH\r\rPID|||1"))
				.isInstanceOfSatisfying(MessageRejectedException.class,
						rejected -> assertThat(rejected.openImdCode()).isEqualTo("OPENIMD-1001"));
	}
}
